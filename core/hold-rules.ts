import type { SeatStatus } from './domain.js';
import { AppError, unprocessable } from './errors.js';

/**
 * The rules a hold must pass, in one place: the API applies them early to a
 * plain read (to refuse doomed requests cheaply), the hold activity applies
 * them again to the rows it has locked (and that answer is the one that counts).
 */

/** Between 1 and `max` seats per checkout, counting every id asked for. */
export function assertSeatCount(seatIds: readonly number[], max: number): void {
  if (seatIds.length === 0 || seatIds.length > max) {
    throw unprocessable(`A checkout holds between 1 and ${max} seats`, { max });
  }
}

export const showtimeCancelled = (showtimeId: number): AppError =>
  unprocessable('This showtime has been cancelled', { showtimeId });

export function assertShowtimeOpen(showtime: { id: number; status: string; startsAt: Date }, now: Date): void {
  if (showtime.status !== 'scheduled') throw showtimeCancelled(showtime.id);
  if (showtime.startsAt <= now) throw unprocessable('This showtime has already started', { showtimeId: showtime.id });
}

export function assertSeatsBelong(requested: readonly number[], found: readonly number[]): void {
  const have = new Set(found);
  const unknown = [...new Set(requested)].filter((id) => !have.has(id)).sort((a, b) => a - b);
  if (unknown.length > 0) throw unprocessable('Some seats do not belong to this showtime', { unknownSeatIds: unknown });
}

export interface SeatHoldState {
  id: number;
  status: SeatStatus;
  checkoutId: string | null;
  heldUntil: Date | null;
}

/** Booked, or held by another checkout whose hold has not expired yet. */
const takenFrom = (seat: SeatHoldState, now: Date, checkoutId: string | null): boolean =>
  seat.status === 'booked' ||
  (seat.status === 'held' && seat.checkoutId !== checkoutId && seat.heldUntil !== null && seat.heldUntil > now);

/** Refuses with SEATS_UNAVAILABLE naming every seat `checkoutId` cannot have now. */
export function assertSeatsFree(seats: readonly SeatHoldState[], now: Date, checkoutId: string | null): void {
  const taken = seats
    .filter((s) => takenFrom(s, now, checkoutId))
    .map((s) => s.id)
    .sort((a, b) => a - b);
  if (taken.length > 0) throw new AppError('SEATS_UNAVAILABLE', 'Some of these seats are no longer available', { seatIds: taken });
}
