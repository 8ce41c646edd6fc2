import { changedFields } from '../../../core/audit.js';
import { conflict, notFound, validationFailed } from '../../../core/errors.js';
import { parseHallLayout, type HallGrid } from '../../../core/hall-layout.js';
import * as halls from '../../../db/halls.js';
import { getHall, listHalls } from '../../../db/halls.js';
import * as seats from '../../../db/seats.js';
import * as showtimes from '../../../db/showtimes.js';
import { inTransaction, isDuplicateKey } from '../../../db/sql.js';
import { publishCommitted, rebuilt } from '../../../live/publisher.js';
import { route } from '../../route.js';
import { HallCreateBody, HallDetailSchema, HallPage, HallPatchBody, HallQuery, HallSchema } from '../../schemas/admin.js';
import { IdParams } from '../../schemas/common.js';
import { audited, errorReply, tags } from './support.js';

/** 400 listing every problem of an unusable layout. */
export function gridOf(layout: string[]): HallGrid {
  const grid = parseHallLayout(layout);
  if ('problems' in grid) throw validationFailed('The hall layout is invalid', { in: 'body', field: 'layout', problems: grid.problems });
  return grid;
}

const allowed = { allowed: true, reason: null };

/** What PATCH and DELETE accept for a hall with this usage: the rules their handlers enforce, in words. */
function permittedChanges(usage: halls.HallUsage) {
  return {
    rename: allowed,
    layout: showtimes.hasCustomers(usage)
      ? {
          allowed: false,
          reason: `Its showtimes have ${usage.bookings} booking(s) and ${usage.occupiedSeats} held or booked seat(s): sold seats keep their places, so the layout cannot change. Renaming is still allowed.`,
        }
      : usage.showtimes > 0
        ? { allowed: true, reason: `Its ${usage.showtimes} showtime(s) get fresh seats in the new layout; nobody has booked them yet.` }
        : allowed,
    remove:
      usage.showtimes > 0
        ? { allowed: false, reason: `${usage.showtimes} showtime(s) use this hall: delete or move them first.` }
        : allowed,
  };
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
    responses: { 200: { description: 'The hall, what uses it, and which changes the API would accept now', schema: HallDetailSchema } },
    handler: async ({ params }, deps) => {
      const hall = await getHall(deps.ds, params.id);
      if (!hall) throw notFound('hall', params.id);
      const usage = await halls.usage(deps.ds, params.id, deps.clock.now());
      return { body: { ...hall, usage, changes: permittedChanges(usage) } };
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
    handler: async (input, deps) => {
      const { body } = input;
      const grid = gridOf(body.layout);
      let id: number;
      try {
        id = await inTransaction(deps.ds, async (tx) => {
          const created = await halls.create(tx, body.name, grid);
          await audited(tx, deps, input, { action: 'hall.create', resourceId: created, changes: { name: body.name, layout: body.layout, seats: grid.seats.length } });
          return created;
        });
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
    handler: async (input, deps) => {
      const { params, body } = input;
      const grid = body.layout ? gridOf(body.layout) : undefined;
      let bumped: { showtimeId: number; version: number }[];
      try {
        bumped = await inTransaction(deps.ds, async (tx) => {
          if ((await halls.lock(tx, [params.id])).length === 0) throw notFound('hall', params.id);
          const before = (await getHall(tx, params.id))!;
          const record = (changes: Record<string, unknown>) =>
            Object.keys(changes).length > 0 ? audited(tx, deps, input, { action: 'hall.update', resourceId: params.id, changes }) : Promise.resolve();
          const renamed = changedFields({ name: before.name }, { name: body.name });
          if (body.name !== undefined) await halls.rename(tx, params.id, body.name);
          if (!grid || before.layout.join('\n') === body.layout!.join('\n')) {
            await record(renamed);
            return [];
          }
          // New showtimes in this hall wait for the hall lock we hold, so this list is complete.
          const inHall = await showtimes.ofHall(tx, params.id);
          const ids = inHall.map((s) => s.id);
          const activity = await showtimes.customerActivity(tx, ids);
          if (showtimes.hasCustomers(activity)) {
            throw conflict('The layout cannot change: showtimes in this hall have bookings or held/booked seats', activity);
          }
          await seats.removeOfShowtimes(tx, ids);
          await halls.relayout(tx, params.id, grid);
          await seats.materialise(tx, params.id, inHall);
          await record({ ...renamed, layout: { from: before.layout, to: body.layout }, seats: { from: before.seatCount, to: grid.seats.length }, showtimesRebuilt: ids });
          return showtimes.bumpSeatVersions(tx, ids);
        });
      } catch (e) {
        if (isDuplicateKey(e) && body.name !== undefined) throw duplicateName(body.name);
        throw e;
      }
      await publishCommitted(deps.publisher, bumped.map(rebuilt), deps.log);
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
    handler: async (input, deps) => {
      const { params } = input;
      await inTransaction(deps.ds, async (tx) => {
        if ((await halls.lock(tx, [params.id])).length === 0) throw notFound('hall', params.id);
        const used = await showtimes.countOfHall(tx, params.id);
        if (used > 0) throw conflict('Showtimes use this hall; delete them first', { showtimes: used });
        const hall = (await getHall(tx, params.id))!;
        await halls.remove(tx, params.id);
        await audited(tx, deps, input, { action: 'hall.delete', resourceId: params.id, changes: { name: hall.name, layout: hall.layout } });
      });
      return { status: 204 };
    },
  }),
];
