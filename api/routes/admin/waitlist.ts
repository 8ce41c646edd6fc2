import { notFound } from '../../../core/errors.js';
import * as showtimes from '../../../db/showtimes.js';
import * as waitlist from '../../../db/waitlist.js';
import { route } from '../../route.js';
import { IdParams } from '../../schemas/common.js';
import { AdminWaitlistPage, AdminWaitlistQuery } from '../../schemas/waitlist.js';
import { entryBody } from '../waitlist.js';
import { tags } from './support.js';

export const adminWaitlistRoutes = [
  route({
    method: 'get',
    path: '/admin/showtimes/:id/waitlist',
    summary: "A showtime's waitlist in line order, with who is in it",
    tags,
    auth: 'admin',
    params: IdParams,
    query: AdminWaitlistQuery,
    responses: { 200: { description: 'A page of entries', schema: AdminWaitlistPage } },
    handler: async ({ params, query }, deps) => {
      if (!(await showtimes.exists(deps.ds, params.id))) throw notFound('showtime', params.id);
      const { items, total } = await waitlist.ofShowtime(deps.ds, params.id, query.status ? [query.status] : [], query.limit, query.offset);
      return {
        body: {
          items: items.map((e) => ({ ...entryBody(e), user: { id: e.userId, email: e.email, name: e.name } })),
          total,
          limit: query.limit,
          offset: query.offset,
        },
      };
    },
  }),
];
