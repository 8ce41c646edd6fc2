import { conflict, notFound, validationFailed } from '../../../core/errors.js';
import { parseHallLayout, type HallGrid } from '../../../core/hall-layout.js';
import { getHall, listHalls } from '../../../db/queries/halls.js';
import { insertHall } from '../../../db/venue-store.js';
import { route } from '../../route.js';
import { HallCreateBody, HallPage, HallPatchBody, HallQuery, HallSchema } from '../../schemas/admin.js';
import { IdParams } from '../../schemas/common.js';
import {
  bumpSeatVersions,
  customerActivity,
  errorReply,
  hasCustomers,
  inTransaction,
  isDuplicateKey,
  materialiseShowSeats,
  tags,
} from './support.js';

/** 400 listing every problem of an unusable layout. */
function gridOf(layout: string[]): HallGrid {
  const grid = parseHallLayout(layout);
  if ('problems' in grid) throw validationFailed('The hall layout is invalid', { in: 'body', field: 'layout', problems: grid.problems });
  return grid;
}

const duplicateName = (name: string) => conflict(`A hall named "${name}" already exists`, { field: 'name' });

export const adminHallRoutes = [
  route({
    method: 'get',
    path: '/admin/halls',
    summary: 'Halls with their layouts',
    tags,
    auth: 'admin',
    query: HallQuery,
    responses: { 200: { description: 'A page of halls, by name', schema: HallPage } },
    handler: async ({ query }, deps) => ({ body: { ...(await listHalls(deps.ds, query)), limit: query.limit, offset: query.offset } }),
  }),

  route({
    method: 'get',
    path: '/admin/halls/:id',
    summary: 'A hall with its layout',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The hall', schema: HallSchema } },
    handler: async ({ params }, deps) => {
      const hall = await getHall(deps.ds, params.id);
      if (!hall) throw notFound('hall', params.id);
      return { body: hall };
    },
  }),

  route({
    method: 'post',
    path: '/admin/halls',
    summary: 'Create a hall from a layout',
    tags,
    auth: 'admin',
    body: HallCreateBody,
    responses: {
      201: { description: 'The new hall', schema: HallSchema },
      409: errorReply('Another hall has this name'),
    },
    handler: async ({ body }, deps) => {
      const grid = gridOf(body.layout);
      let id: number;
      try {
        id = (await inTransaction(deps, (m) => insertHall(m, body.name, grid))).id;
      } catch (e) {
        if (isDuplicateKey(e)) throw duplicateName(body.name);
        throw e;
      }
      return { status: 201, body: await getHall(deps.ds, id) };
    },
  }),

  route({
    method: 'patch',
    path: '/admin/halls/:id',
    summary: 'Rename a hall or change its layout (layout: only while no showtime in it has customers)',
    tags,
    auth: 'admin',
    params: IdParams,
    body: HallPatchBody,
    responses: {
      200: { description: 'The hall', schema: HallSchema },
      409: errorReply('Name taken, or the layout cannot change because showtimes in the hall have bookings or held/booked seats'),
    },
    handler: async ({ params, body }, deps) => {
      const grid = body.layout ? gridOf(body.layout) : undefined;
      try {
        await inTransaction(deps, async (m) => {
          const [hall] = await m.query('SELECT id FROM halls WHERE id = ? FOR UPDATE', [params.id]);
          if (!hall) throw notFound('hall', params.id);
          if (body.name !== undefined) await m.query('UPDATE halls SET name = ? WHERE id = ?', [body.name, params.id]);
          if (!grid || (await getHall(m, params.id))?.layout.join('\n') === body.layout!.join('\n')) return;
          // New showtimes in this hall wait for the hall lock we hold, so this list is complete.
          const showtimes: { id: number; base_price: number }[] = await m.query(
            'SELECT id, base_price FROM showtimes WHERE hall_id = ? ORDER BY id',
            [params.id],
          );
          const ids = showtimes.map((s) => s.id);
          const activity = await customerActivity(m, ids);
          if (hasCustomers(activity)) {
            throw conflict('The layout cannot change: showtimes in this hall have bookings or held/booked seats', activity);
          }
          if (ids.length) await m.query('DELETE FROM show_seats WHERE showtime_id IN (?)', [ids]);
          await m.query('DELETE FROM hall_seats WHERE hall_id = ?', [params.id]);
          await m.query('UPDATE halls SET `rows` = ?, cols = ? WHERE id = ?', [grid.rows, grid.cols, params.id]);
          await m.query('INSERT INTO hall_seats (hall_id, row_label, number, seat_type, grid_row, grid_col) VALUES ?', [
            grid.seats.map((s) => [params.id, s.rowLabel, s.number, s.seatType, s.gridRow, s.gridCol]),
          ]);
          await materialiseShowSeats(m, params.id, showtimes.map((s) => ({ id: s.id, basePrice: s.base_price })));
          await bumpSeatVersions(m, ids);
        });
      } catch (e) {
        if (isDuplicateKey(e) && body.name !== undefined) throw duplicateName(body.name);
        throw e;
      }
      return { body: await getHall(deps.ds, params.id) };
    },
  }),

  route({
    method: 'delete',
    path: '/admin/halls/:id',
    summary: 'Delete a hall that has never had a showtime',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: {
      204: { description: 'Deleted' },
      409: errorReply('Showtimes use this hall'),
    },
    handler: async ({ params }, deps) => {
      await inTransaction(deps, async (m) => {
        const [hall] = await m.query('SELECT id FROM halls WHERE id = ? FOR UPDATE', [params.id]);
        if (!hall) throw notFound('hall', params.id);
        const [used]: { n: number }[] = await m.query('SELECT COUNT(*) AS n FROM showtimes WHERE hall_id = ?', [params.id]);
        if (Number(used?.n) > 0) throw conflict('Showtimes use this hall; delete them first', { showtimes: Number(used?.n) });
        await m.query('DELETE FROM halls WHERE id = ?', [params.id]);
      });
      return { status: 204 };
    },
  }),
];
