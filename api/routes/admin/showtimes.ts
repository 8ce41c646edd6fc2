import { changedFields } from '../../../core/audit.js';
import { AppError, conflict, notFound, unprocessable } from '../../../core/errors.js';
import { movieWindow } from '../../../db/catalog.js';
import * as halls from '../../../db/halls.js';
import * as seats from '../../../db/seats.js';
import * as showtimes from '../../../db/showtimes.js';
import { findShowtimes, getShowtime, showtimeEnd } from '../../../db/showtimes.js';
import { inTransaction, type Sql } from '../../../db/sql.js';
import { publishCommitted, rebuilt } from '../../../live/publisher.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { AdminShowtimeQuery, ShowtimeCreateBody, ShowtimePatchBody } from '../../schemas/admin.js';
import { IdParams } from '../../schemas/common.js';
import { addDays, utcDayRange } from '../../schemas/params.js';
import { ShowtimePage, ShowtimeSchema } from '../../schemas/showtimes.js';
import { audited, errorReply, tags } from './support.js';

interface Slot {
  movieId: number;
  hallId: number;
  startsAt: Date;
}

/**
 * Everything a slot must satisfy, checked inside the caller's transaction
 * after it locked the hall rows: the movie exists and its screening window
 * holds the whole showtime, the start is in the future, and no scheduled
 * showtime of the hall overlaps [startsAt, endsAt) (touching is fine).
 * Returns the computed end.
 */
async function checkSlot(tx: Sql, deps: AppDeps, slot: Slot, ignoreShowtimeId?: number): Promise<Date> {
  const movie = await movieWindow(tx, slot.movieId, 'share');
  if (!movie) throw unprocessable(`Movie ${slot.movieId} does not exist`, { field: 'movieId' });
  const endsAt = showtimeEnd(slot.startsAt, movie.runtimeMin, deps.config.CLEANING_BUFFER_MINUTES);
  if (slot.startsAt <= deps.clock.now()) {
    throw unprocessable('A showtime must start in the future', { startsAt: slot.startsAt.toISOString() });
  }
  if (slot.startsAt < movie.availableFrom || endsAt > movie.availableUntil) {
    throw unprocessable("The showtime must lie inside the movie's screening window", {
      startsAt: slot.startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      availableFrom: movie.availableFrom.toISOString(),
      availableUntil: movie.availableUntil.toISOString(),
    });
  }
  const clash = await showtimes.firstClash(tx, slot.hallId, slot.startsAt, endsAt, ignoreShowtimeId);
  if (clash) {
    throw new AppError('SHOWTIME_OVERLAP', `The hall is busy until ${clash.endsAt.toISOString()} with showtime ${clash.id}`, {
      conflictingShowtime: {
        id: clash.id,
        movieId: clash.movieId,
        hallId: slot.hallId,
        startsAt: clash.startsAt.toISOString(),
        endsAt: clash.endsAt.toISOString(),
      },
      requested: { startsAt: slot.startsAt.toISOString(), endsAt: endsAt.toISOString() },
    });
  }
  return endsAt;
}

/** Locks hall rows in id order (two creates in one hall serialise here); 422 for a missing hall. */
async function lockHalls(tx: Sql, hallIds: number[]): Promise<void> {
  const found = await halls.lock(tx, hallIds);
  const missing = [...new Set(hallIds)].filter((id) => !found.includes(id));
  if (missing.length) throw unprocessable(`Hall ${missing.join(', ')} does not exist`, { field: 'hallId' });
}

async function view(deps: AppDeps, id: number) {
  const showtime = await getShowtime(deps.ds, id, deps.clock.now());
  if (!showtime) throw notFound('showtime', id);
  return showtime;
}

const overlapReply = errorReply('SHOWTIME_OVERLAP: another scheduled showtime occupies the hall (details.conflictingShowtime)');

export const adminShowtimeRoutes = [
  route({
    method: 'get',
    path: '/admin/showtimes',
    summary: 'All showtimes, any status, past ones included',
    tags,
    auth: 'admin',
    query: AdminShowtimeQuery,
    responses: { 200: { description: 'A page of showtimes, soonest first', schema: ShowtimePage } },
    handler: async ({ query }, deps) => {
      const result = await findShowtimes(
        deps.ds,
        {
          movieId: query.movie,
          hallId: query.hall,
          status: query.status,
          from: query.from ? utcDayRange(query.from)[0] : undefined,
          to: query.to ? addDays(utcDayRange(query.to)[0], 1) : undefined,
          limit: query.limit,
          offset: query.offset,
        },
        deps.clock.now(),
      );
      return { body: { ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'post',
    path: '/admin/showtimes',
    summary: 'Schedule a showtime (ends_at computed, seats materialised, no overlap in the hall)',
    tags,
    auth: 'admin',
    body: ShowtimeCreateBody,
    responses: {
      201: { description: 'The new showtime', schema: ShowtimeSchema },
      409: overlapReply,
      422: errorReply('Unknown movie or hall, a start in the past, or outside the movie’s screening window'),
    },
    handler: async (input, deps) => {
      const { body } = input;
      const startsAt = new Date(body.startsAt);
      const id = await inTransaction(deps.ds, async (tx) => {
        await lockHalls(tx, [body.hallId]);
        const endsAt = await checkSlot(tx, deps, { movieId: body.movieId, hallId: body.hallId, startsAt });
        const slot = { movieId: body.movieId, hallId: body.hallId, startsAt, endsAt, basePrice: body.basePrice, currency: body.currency };
        const created = await showtimes.create(tx, { ...slot, createdAt: deps.clock.now() });
        await audited(tx, deps, input, { action: 'showtime.create', resourceId: created, changes: slot });
        return created;
      });
      return { status: 201, body: await view(deps, id) };
    },
  }),

  route({
    method: 'patch',
    path: '/admin/showtimes/:id',
    summary: 'Move, re-hall or re-price a scheduled showtime nobody has booked',
    tags,
    auth: 'admin',
    params: IdParams,
    body: ShowtimePatchBody,
    responses: {
      200: { description: 'The showtime', schema: ShowtimeSchema },
      409: errorReply('The showtime has bookings or held/booked seats, is cancelled, or would overlap (SHOWTIME_OVERLAP)'),
      422: errorReply('Unknown hall, a start in the past, or outside the movie’s screening window'),
    },
    handler: async (input, deps) => {
      const { params, body } = input;
      const bumped = await inTransaction(deps.ds, async (tx) => {
        const hallBefore = await showtimes.hallOf(tx, params.id);
        if (hallBefore === null) throw notFound('showtime', params.id);
        await lockHalls(tx, [hallBefore, body.hallId ?? hallBefore]);
        // Seats first, then the showtime row: the order a checkout's hold takes its locks in.
        const activity = await showtimes.customerActivity(tx, [params.id]);
        const current = await showtimes.lockForEdit(tx, params.id);
        if (!current) throw notFound('showtime', params.id);
        if (current.hallId !== hallBefore) throw conflict('The showtime was changed concurrently; try again');
        const hallId = body.hallId ?? current.hallId;
        const startsAt = body.startsAt ? new Date(body.startsAt) : current.startsAt;
        const basePrice = body.basePrice ?? current.basePrice;
        const currency = body.currency ?? current.currency;
        const moved = hallId !== current.hallId || startsAt.getTime() !== current.startsAt.getTime();
        const repriced = basePrice !== current.basePrice || currency !== current.currency;
        if (!moved && !repriced) return [];
        if (current.status !== 'scheduled') throw conflict('A cancelled showtime cannot be changed', { status: current.status });
        if (showtimes.hasCustomers(activity)) {
          throw conflict('The showtime has bookings or held/booked seats; it can only be cancelled', activity);
        }
        const endsAt = await checkSlot(tx, deps, { movieId: current.movieId, hallId, startsAt }, params.id);
        await showtimes.update(tx, params.id, { hallId, startsAt, endsAt, basePrice, currency });
        await audited(tx, deps, input, {
          action: 'showtime.update',
          resourceId: params.id,
          changes: changedFields(current, { hallId, startsAt, basePrice, currency }),
        });
        if (hallId === current.hallId && basePrice === current.basePrice) return [];
        // Every seat is available (checked above): rebuild them for the new hall / price.
        await seats.removeOfShowtimes(tx, [params.id]);
        await seats.materialise(tx, hallId, [{ id: params.id, basePrice }]);
        return showtimes.bumpSeatVersions(tx, [params.id]);
      });
      await publishCommitted(deps.publisher, bumped.map(rebuilt), deps.log);
      return { body: await view(deps, params.id) };
    },
  }),

  route({
    method: 'delete',
    path: '/admin/showtimes/:id',
    summary: 'Delete a showtime nobody has booked (otherwise cancel it)',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: {
      204: { description: 'Deleted with its seats' },
      409: errorReply('The showtime has bookings or held/booked seats'),
    },
    handler: async (input, deps) => {
      const { params } = input;
      await inTransaction(deps.ds, async (tx) => {
        const hallId = await showtimes.hallOf(tx, params.id);
        if (hallId === null) throw notFound('showtime', params.id);
        await lockHalls(tx, [hallId]);
        const activity = await showtimes.customerActivity(tx, [params.id]);
        if (showtimes.hasCustomers(activity)) {
          throw conflict('The showtime has bookings or held/booked seats; cancel it instead', activity);
        }
        const gone = await showtimes.lockForEdit(tx, params.id);
        await showtimes.remove(tx, params.id);
        if (gone) {
          const { movieId, startsAt, status } = gone;
          await audited(tx, deps, input, { action: 'showtime.delete', resourceId: params.id, changes: { movieId, hallId: gone.hallId, startsAt, status } });
        }
      });
      return { status: 204 };
    },
  }),
];
