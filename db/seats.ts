import type { SeatStatus, SeatType } from '../core/domain.js';
import { seatPrice } from '../core/domain.js';
import { seatLabel } from '../core/hall-layout.js';
import type { PlacedSeat, SeatHoldState } from '../core/hold-rules.js';
import { assertTransition } from '../core/transitions.js';
import { placeholders, type Sql } from './sql.js';

/**
 * Show seats: one row per hall seat per showtime, the unit that is held and
 * booked. Writes lock the rows first (by id, the one lock order every
 * transaction shares) and check each change against the seat transition table.
 */

export interface LockedSeat extends PlacedSeat {
  label: string;
  price: number;
}

interface SeatRow {
  id: number;
  status: SeatStatus;
  checkout_id: string | null;
  held_until: Date | null;
  price: number;
  row_label: string;
  number: number;
  seat_type: SeatType;
  grid_row: number;
  grid_col: number;
}

const toLocked = (r: SeatRow): LockedSeat => ({
  id: Number(r.id),
  status: r.status,
  checkoutId: r.checkout_id,
  heldUntil: r.held_until,
  label: seatLabel(r.row_label, r.number),
  type: r.seat_type,
  price: r.price,
  gridRow: r.grid_row,
  gridCol: r.grid_col,
});

/**
 * Locks the named seats of a showtime (ids ascending) for a hold; seats of
 * other showtimes are not returned. NOWAIT: a seat row another transaction
 * holds fails the statement at once (isLockContention) instead of queueing.
 */
export async function lockForHold(sql: Sql, showtimeId: number, seatIds: readonly number[]): Promise<LockedSeat[]> {
  const rows: SeatRow[] = await sql.query(
    `SELECT ss.id, ss.status, ss.checkout_id, ss.held_until, ss.price, hs.row_label, hs.number, hs.seat_type, hs.grid_row, hs.grid_col
       FROM show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id
      WHERE ss.showtime_id = ? AND ss.id IN (${placeholders(seatIds.length)})
      ORDER BY ss.id FOR UPDATE NOWAIT`,
    [showtimeId, ...seatIds],
  );
  return rows.map(toLocked);
}

/** Locks seats by id (ascending): the seats a checkout or booking names. */
export async function lockByIds(sql: Sql, ids: readonly number[]): Promise<(SeatHoldState & { bookingId: string | null })[]> {
  if (ids.length === 0) return [];
  const rows: { id: number; status: SeatStatus; checkout_id: string | null; held_until: Date | null; booking_id: string | null }[] = await sql.query(
    `SELECT id, status, checkout_id, held_until, booking_id FROM show_seats WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`,
    [...ids],
  );
  return rows.map((r) => ({ id: Number(r.id), status: r.status, checkoutId: r.checkout_id, heldUntil: r.held_until, bookingId: r.booking_id }));
}

/** Locks the seats a checkout still holds (never anyone else's). */
export async function lockHeldBy(sql: Sql, checkoutId: string): Promise<number[]> {
  const rows: { id: number }[] = await sql.query("SELECT id FROM show_seats WHERE checkout_id = ? AND status = 'held' ORDER BY id FOR UPDATE", [checkoutId]);
  return rows.map((r) => Number(r.id));
}

/** Locks the seats a booking has booked. */
export async function lockBookedBy(sql: Sql, bookingId: string): Promise<number[]> {
  const rows: { id: number }[] = await sql.query("SELECT id FROM show_seats WHERE booking_id = ? AND status = 'booked' ORDER BY id FOR UPDATE", [bookingId]);
  return rows.map((r) => Number(r.id));
}

function checkAll(seats: readonly { id: number; status: SeatStatus }[], to: SeatStatus): void {
  for (const s of seats) assertTransition('seat', s.status, to, s.id);
}

/** Locked seats → held by `checkoutId` until `heldUntil`. */
export async function hold(sql: Sql, seats: readonly { id: number; status: SeatStatus }[], checkoutId: string, heldUntil: Date): Promise<void> {
  checkAll(seats, 'held');
  await sql.query(`UPDATE show_seats SET status = 'held', checkout_id = ?, held_until = ?, booking_id = NULL WHERE id IN (${placeholders(seats.length)})`, [
    checkoutId,
    heldUntil,
    ...seats.map((s) => s.id),
  ]);
}

/** Locked, held seats → booked by `bookingId`. */
export async function book(sql: Sql, seats: readonly { id: number; status: SeatStatus }[], bookingId: string): Promise<void> {
  checkAll(seats, 'booked');
  await sql.query(`UPDATE show_seats SET status = 'booked', booking_id = ?, held_until = NULL WHERE id IN (${placeholders(seats.length)})`, [
    bookingId,
    ...seats.map((s) => s.id),
  ]);
}

/** Locked seats → available, free of any checkout or booking. `from` is the status every one of them was locked in. */
export async function makeAvailable(sql: Sql, ids: readonly number[], from: 'held' | 'booked'): Promise<void> {
  if (ids.length === 0) return;
  checkAll(ids.map((id) => ({ id, status: from })), 'available');
  await sql.query(
    `UPDATE show_seats SET status = 'available', checkout_id = NULL, booking_id = NULL, held_until = NULL WHERE id IN (${placeholders(ids.length)})`,
    [...ids],
  );
}

/**
 * One available show seat per hall seat for each showtime, priced by seat
 * type. The showtimes must have no show seats yet.
 */
export async function materialise(sql: Sql, hallId: number, showtimes: readonly { id: number; basePrice: number }[]): Promise<void> {
  if (showtimes.length === 0) return;
  const seats: { id: number; type: SeatType }[] = await sql.query('SELECT id, seat_type AS type FROM hall_seats WHERE hall_id = ? ORDER BY id', [hallId]);
  const rows = showtimes.flatMap((st) => seats.map((s) => [st.id, s.id, seatPrice(st.basePrice, s.type), 'available']));
  for (let i = 0; i < rows.length; i += 1000) {
    await sql.query('INSERT INTO show_seats (showtime_id, hall_seat_id, price, status) VALUES ?', [rows.slice(i, i + 1000)]);
  }
}

/** Removes every show seat of these showtimes (they must have no customers). */
export async function removeOfShowtimes(sql: Sql, showtimeIds: readonly number[]): Promise<void> {
  if (showtimeIds.length) await sql.query('DELETE FROM show_seats WHERE showtime_id IN (?)', [showtimeIds]);
}

/** Locks the show seats of these showtimes (the order a hold uses) and counts those held or booked. */
export async function lockAndCountOccupied(sql: Sql, showtimeIds: readonly number[]): Promise<number> {
  if (showtimeIds.length === 0) return 0;
  const seats: { status: SeatStatus }[] = await sql.query('SELECT status FROM show_seats WHERE showtime_id IN (?) ORDER BY id FOR UPDATE', [showtimeIds]);
  return seats.filter((s) => s.status !== 'available').length;
}

/**
 * The showtime's seats with where they sit and their hold state, read without
 * locks: what the seating rules look at around a hold. `gridRows` limits it
 * to the rows a hold touches.
 */
export async function readPlaced(sql: Sql, showtimeId: number, gridRows?: readonly number[]): Promise<PlacedSeat[]> {
  if (gridRows?.length === 0) return [];
  const rows: { id: number; status: SeatStatus; checkout_id: string | null; held_until: Date | null; grid_row: number; grid_col: number; seat_type: SeatType }[] =
    await sql.query(
      `SELECT ss.id, ss.status, ss.checkout_id, ss.held_until, hs.grid_row, hs.grid_col, hs.seat_type
         FROM show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id
        WHERE ss.showtime_id = ?${gridRows ? ` AND hs.grid_row IN (${placeholders(gridRows.length)})` : ''}`,
      [showtimeId, ...(gridRows ?? [])],
    );
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
    checkoutId: r.checkout_id,
    heldUntil: r.held_until,
    gridRow: r.grid_row,
    gridCol: r.grid_col,
    type: r.seat_type,
  }));
}

/** Locked seats this checkout holds stay held until `until`. */
export async function holdUntil(sql: Sql, ids: readonly number[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(`UPDATE show_seats SET held_until = ? WHERE status = 'held' AND id IN (${placeholders(ids.length)})`, [until, ...ids]);
}
