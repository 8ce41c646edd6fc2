import { notFound } from '../../../core/errors.js';
import { getUser, listUsers, setRole } from '../../../db/users.js';
import { forgetTokenState } from '../../auth.js';
import { route } from '../../route.js';
import { UserPage, UserQuery } from '../../schemas/admin.js';
import { UserEnvelope } from '../../schemas/auth.js';
import { IdParams } from '../../schemas/common.js';
import { tags } from './support.js';

export const adminUserRoutes = [
  route({
    method: 'get',
    path: '/admin/users',
    summary: 'Users, oldest first',
    tags,
    auth: 'admin',
    query: UserQuery,
    responses: { 200: { description: 'A page of users', schema: UserPage } },
    handler: async ({ query }, deps) => {
      const q = query.q?.trim() ? query.q.trim() : undefined;
      const result = await listUsers(deps.ds, { q, role: query.role, limit: query.limit, offset: query.offset });
      return { body: { ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'post',
    path: '/admin/users/:id/promote',
    summary: 'Make a user an admin; their existing tokens stop working (they sign in again with the new role)',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The user, now an admin (idempotent)', schema: UserEnvelope } },
    handler: async ({ params }, deps) => {
      if (await setRole(deps.ds, params.id, 'admin')) forgetTokenState(deps, params.id);
      const user = await getUser(deps.ds, params.id);
      if (!user) throw notFound('user', params.id);
      return { body: { user } };
    },
  }),
];
