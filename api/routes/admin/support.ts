import { QueryFailedError, type EntityManager } from 'typeorm';
import { conflict, unprocessable } from '../../../core/errors.js';
import { seatPrice, type SeatType } from '../../../core/domain.js';
import type { AppDeps } from '../../deps.js';
import { ErrorResponse } from '../../schemas/common.js';

export const tags = ['admin'];

export const errorReply = (description: string) => ({ description, schema: ErrorResponse });

const driverCode = (e: unknown): string | undefined =>
  e instanceof QueryFailedError ? (e.driverError as { code?: string }).code : undefined;

export const isDuplicateKey = (e: unknown): boolean => driverCode(e) === 'ER_DUP_ENTRY';

/**
 * An admin write in one transaction. A deadlock with a concurrent checkout or
 * admin write is retried (the whole function runs again); a lock wait that
 * times out is answered 409 so the admin can retry.
 */
export async function inTransaction<T>(deps: AppDeps, fn: (m: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.ds.transaction(fn);
    } catch (e) {
      const code = driverCode(e);
      if (code === 'ER_LOCK_DEADLOCK' && attempt < 4) continue;
      if (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT') {
        throw conflict('The data is being changed by another request; try again');
      }
      throw e;
    }
  }
}

/** 422 unless every id names a row of `table`. */
export async function assertExist(m: EntityManager, table: 'genres' | 'actors', ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const found: { id: number }[] = await m.query(`SELECT id FROM ${table} WHERE id IN (?) LOCK IN SHARE MODE`, [ids]);
  const known = new Set(found.map((r) => Number(r.id)));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw unprocessable(`Unknown ${table}: ${missing.join(', ')}`, { [table]: missing });
}

/**
 * One available show seat per hall seat for each showtime, priced by seat
 * type (the same rule as db/venue-store). The showtimes must have no show
 * seats yet.
 */
export async function materialiseShowSeats(
  m: EntityManager,
  hallId: number,
  showtimes: { id: number; basePrice: number }[],
): Promise<void> {
  if (showtimes.length === 0) return;
  const seats: { id: number; type: SeatType }[] = await m.query(
    'SELECT id, seat_type AS type FROM hall_seats WHERE hall_id = ? ORDER BY id',
    [hallId],
  );
  const rows = showtimes.flatMap((st) => seats.map((s) => [st.id, s.id, seatPrice(st.basePrice, s.type), 'available']));
  for (let i = 0; i < rows.length; i += 1000) {
    await m.query('INSERT INTO show_seats (showtime_id, hall_seat_id, price, status) VALUES ?', [rows.slice(i, i + 1000)]);
  }
}

/** Seat maps of these showtimes changed: watchers and caches see a new version. */
export async function bumpSeatVersions(m: EntityManager, showtimeIds: number[]): Promise<void> {
  if (showtimeIds.length === 0) return;
  await m.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id IN (?)', [showtimeIds]);
}

/**
 * Locks the show seats of these showtimes (the same row order a checkout's
 * hold uses) and tells whether any is held/booked or any booking ever named
 * them. A showtime like that has customers: its seats may not be rebuilt.
 */
export async function customerActivity(
  m: EntityManager,
  showtimeIds: number[],
): Promise<{ bookings: number; occupiedSeats: number }> {
  if (showtimeIds.length === 0) return { bookings: 0, occupiedSeats: 0 };
  const seats: { status: string }[] = await m.query(
    'SELECT status FROM show_seats WHERE showtime_id IN (?) ORDER BY id FOR UPDATE',
    [showtimeIds],
  );
  const [b]: { n: number }[] = await m.query('SELECT COUNT(*) AS n FROM bookings WHERE showtime_id IN (?) LOCK IN SHARE MODE', [
    showtimeIds,
  ]);
  return { bookings: Number(b?.n ?? 0), occupiedSeats: seats.filter((s) => s.status !== 'available').length };
}

export const hasCustomers = (a: { bookings: number; occupiedSeats: number }): boolean => a.bookings > 0 || a.occupiedSeats > 0;
