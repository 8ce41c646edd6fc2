import { roleAtLeast, type Role } from '../../../core/domain.js';
import { conflict, notFound } from '../../../core/errors.js';
import { getUser, listUsers, setRole } from '../../../db/users.js';
import { forgetTokenState } from '../../auth.js';
import { inTransaction } from '../../../db/sql.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { RoleBody, UserPage, UserQuery } from '../../schemas/admin.js';
import { UserEnvelope } from '../../schemas/auth.js';
import { IdParams } from '../../schemas/common.js';
import { audited, errorReply, tags, type Requester } from './support.js';

/**
 * Gives a user a role, recorded in the audit trail in the same transaction.
 * An admin cannot take the admin role from themselves: a cinema is never
 * left without anyone who can give it back.
 */
async function changeRole(deps: AppDeps, by: Requester, userId: number, role: Role) {
  if (userId === by.user.id && !roleAtLeast(role, 'admin')) {
    throw conflict('You cannot remove your own admin role; another admin can', { role });
  }
  const changed = await inTransaction(deps.ds, async (tx) => {
    const before = await getUser(tx, userId);
    if (!before) throw notFound('user', userId);
    if (before.role === role) return false;
    await setRole(tx, userId, role);
    await audited(tx, deps, by, { action: 'user.role', resourceId: userId, changes: { email: before.email, role: { from: before.role, to: role } } });
    return true;
  });
  // This node forgets the user's cached token state at once; the others within TOKEN_STATE_TTL_MS.
  if (changed) forgetTokenState(deps, userId);
  return { user: (await getUser(deps.ds, userId))! };
}

const roleTakesEffect = 'The change takes effect at once: the user’s existing tokens stop working, and they sign in again with the new role';

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
    method: 'put',
    path: '/admin/users/:id/role',
    summary: `Grant or remove the staff and admin roles (${roleTakesEffect.toLowerCase()})`,
    tags,
    auth: 'admin',
    params: IdParams,
    body: RoleBody,
    responses: {
      200: { description: 'The user with the role (idempotent)', schema: UserEnvelope },
      409: errorReply('An admin may not remove their own admin role'),
    },
    handler: async (input, deps) => ({ body: await changeRole(deps, input, input.params.id, input.body.role) }),
  }),

  route({
    method: 'post',
    path: '/admin/users/:id/promote',
    summary: `Make a user an admin (${roleTakesEffect.toLowerCase()}); the same as PUT /admin/users/{id}/role {"role":"admin"}`,
    tags,
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The user, now an admin (idempotent)', schema: UserEnvelope } },
    handler: async (input, deps) => ({ body: await changeRole(deps, input, input.params.id, 'admin') }),
  }),
];
