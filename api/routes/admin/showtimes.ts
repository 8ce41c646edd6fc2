import type { EntityManager } from 'typeorm';
import { AppError, conflict, notFound, unprocessable } from '../../../core/errors.js';
import { findShowtimes, getShowtime } from '../../../db/queries/showtimes.js';
import { insertShowtimeWithSeats, showtimeEnd } from '../../../db/venue-store.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { AdminShowtimeQuery, ShowtimeCreateBody, ShowtimePatchBody } from '../../schemas/admin.js';
import { IdParams } from '../../schemas/common.js';
import { addDays, utcDayRange } from '../../schemas/params.js';
import { ShowtimePage, ShowtimeSchema } from '../../schemas/showtimes.js';
import {
  bumpSeatVersions,
  customerActivity,
  errorReply,
  hasCustomers,
  inTransaction,
  materialiseShowSeats,
  tags,
} from './support.js';

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
async function checkSlot(m: EntityManager, deps: AppDeps, slot: Slot, ignoreShowtimeId?: number): Promise<Date> {
  const [movie]: { runtime_min: number; available_from: Date; available_until: Date }[] = await m.query(
    'SELECT runtime_min, available_from, available_until FROM movies WHERE id = ? LOCK IN SHARE MODE',
    [slot.movieId],
  );
  if (!movie) throw unprocessable(`Movie ${slot.movieId} does not exist`, { field: 'movieId' });
  const endsAt = showtimeEnd(slot.startsAt, movie.runtime_min, deps.config.CLEANING_BUFFER_MINUTES);
  if (slot.startsAt <= deps.clock.now()) {
    throw unprocessable('A showtime must start in the future', { startsAt: slot.startsAt.toISOString() });
  }
  if (slot.startsAt < movie.available_from || endsAt > movie.available_until) {
    throw unprocessable("The showtime must lie inside the movie's screening window", {
      startsAt: slot.startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      availableFrom: movie.available_from.toISOString(),
      availableUntil: movie.available_until.toISOString(),
    });
  }
  // A locking read: it sees every committed showtime even if this transaction's snapshot is older.
  const [clash]: { id: number; movie_id: number; starts_at: Date; ends_at: Date }[] = await m.query(
    `SELECT id, movie_id, starts_at, ends_at FROM showtimes
     WHERE hall_id = ? AND status = 'scheduled' AND starts_at < ? AND ends_at > ? AND id <> ?
     ORDER BY starts_at LIMIT 1 LOCK IN SHARE MODE`,
    [slot.hallId, endsAt, slot.startsAt, ignoreShowtimeId ?? 0],
  );
  if (clash) {
    throw new AppError('SHOWTIME_OVERLAP', `The hall is busy until ${clash.ends_at.toISOString()} with showtime ${clash.id}`, {
      conflictingShowtime: {
        id: clash.id,
        movieId: clash.movie_id,
        hallId: slot.hallId,
        startsAt: clash.starts_at.toISOString(),
        endsAt: clash.ends_at.toISOString(),
      },
      requested: { startsAt: slot.startsAt.toISOString(), endsAt: endsAt.toISOString() },
    });
  }
  return endsAt;
}

/** Locks hall rows in id order (two creates in one hall serialise here); 422 for a missing hall. */
async function lockHalls(m: EntityManager, hallIds: number[]): Promise<void> {
  const ids = [...new Set(hallIds)].sort((a, b) => a - b);
  const found: { id: number }[] = await m.query('SELECT id FROM halls WHERE id IN (?) ORDER BY id FOR UPDATE', [ids]);
  const missing = ids.filter((id) => !found.some((f) => Number(f.id) === id));
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
    handler: async ({ body }, deps) => {
      const startsAt = new Date(body.startsAt);
      const id = await inTransaction(deps, async (m) => {
        await lockHalls(m, [body.hallId]);
        const endsAt = await checkSlot(m, deps, { movieId: body.movieId, hallId: body.hallId, startsAt });
        const st = await insertShowtimeWithSeats(m, {
          movieId: body.movieId,
          hallId: body.hallId,
          startsAt,
          endsAt,
          basePrice: body.basePrice,
          currency: body.currency,
          createdAt: deps.clock.now(),
        });
        return st.id;
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
    handler: async ({ params, body }, deps) => {
      await inTransaction(deps, async (m) => {
        const [peek]: { hall_id: number }[] = await m.query('SELECT hall_id FROM showtimes WHERE id = ?', [params.id]);
        if (!peek) throw notFound('showtime', params.id);
        await lockHalls(m, [peek.hall_id, body.hallId ?? peek.hall_id]);
        // Seats first, then the showtime row: the order a checkout's hold takes its locks in.
        const activity = await customerActivity(m, [params.id]);
        const [current]: { hall_id: number; movie_id: number; starts_at: Date; base_price: number; currency: string; status: string }[] =
          await m.query('SELECT hall_id, movie_id, starts_at, base_price, currency, status FROM showtimes WHERE id = ? FOR UPDATE', [
            params.id,
          ]);
        if (!current) throw notFound('showtime', params.id);
        if (current.hall_id !== peek.hall_id) throw conflict('The showtime was changed concurrently; try again');
        const hallId = body.hallId ?? current.hall_id;
        const startsAt = body.startsAt ? new Date(body.startsAt) : current.starts_at;
        const basePrice = body.basePrice ?? current.base_price;
        const currency = body.currency ?? current.currency;
        const moved = hallId !== current.hall_id || startsAt.getTime() !== current.starts_at.getTime();
        const repriced = basePrice !== current.base_price || currency !== current.currency;
        if (!moved && !repriced) return;
        if (current.status !== 'scheduled') throw conflict('A cancelled showtime cannot be changed', { status: current.status });
        if (hasCustomers(activity)) {
          throw conflict('The showtime has bookings or held/booked seats; it can only be cancelled', activity);
        }
        const endsAt = await checkSlot(m, deps, { movieId: current.movie_id, hallId, startsAt }, params.id);
        await m.query('UPDATE showtimes SET hall_id = ?, starts_at = ?, ends_at = ?, base_price = ?, currency = ? WHERE id = ?', [
          hallId,
          startsAt,
          endsAt,
          basePrice,
          currency,
          params.id,
        ]);
        if (hallId !== current.hall_id || basePrice !== current.base_price) {
          // Every seat is available (checked above): rebuild them for the new hall / price.
          await m.query('DELETE FROM show_seats WHERE showtime_id = ?', [params.id]);
          await materialiseShowSeats(m, hallId, [{ id: params.id, basePrice }]);
          await bumpSeatVersions(m, [params.id]);
        }
      });
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
    handler: async ({ params }, deps) => {
      await inTransaction(deps, async (m) => {
        const [current]: { hall_id: number }[] = await m.query('SELECT hall_id FROM showtimes WHERE id = ?', [params.id]);
        if (!current) throw notFound('showtime', params.id);
        await lockHalls(m, [current.hall_id]);
        const activity = await customerActivity(m, [params.id]);
        if (hasCustomers(activity)) {
          throw conflict('The showtime has bookings or held/booked seats; cancel it instead', activity);
        }
        await m.query('DELETE FROM showtimes WHERE id = ?', [params.id]);
      });
      return { status: 204 };
    },
  }),
];
