import type { SeatStatus, SeatType } from './domain.js';
import { AppError, unprocessable } from './errors.js';
import { companionsAlone, strandedSeats } from './seating.js';

/**
 * The rules a hold must pass, in one place: the API applies them early to a
 * plain read (to refuse doomed requests cheaply), the hold activity applies
 * them again to the rows it has locked (and that answer is the one that counts).
 */

/** Between 1 and `max` seats per checkout, counting every id asked for (or the number asked of best-available). */
export function assertSeatCount(count: number, max: number): void {
  if (count < 1 || count > max) {
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

/**
 * Whether `checkoutId` can have the seat now: not booked, and not held by
 * another checkout (or the waitlist) whose hold has not run out. `null`
 * asks for anyone: only seats free for everybody.
 */
export const isFreeFor = (seat: SeatHoldState, now: Date, checkoutId: string | null): boolean =>
  seat.status === 'available' ||
  (seat.status === 'held' && ((checkoutId !== null && seat.checkoutId === checkoutId) || seat.heldUntil === null || seat.heldUntil <= now));

/** Refuses with SEATS_UNAVAILABLE naming every seat `checkoutId` cannot have now. */
export function assertSeatsFree(seats: readonly SeatHoldState[], now: Date, checkoutId: string | null): void {
  const taken = seats
    .filter((s) => !isFreeFor(s, now, checkoutId))
    .map((s) => s.id)
    .sort((a, b) => a - b);
  if (taken.length > 0) throw new AppError('SEATS_UNAVAILABLE', 'Some of these seats are no longer available', { seatIds: taken });
}

/** A seat of the hall with where it sits, for the seating rules. */
export interface PlacedSeat extends SeatHoldState {
  gridRow: number;
  gridCol: number;
  type: SeatType;
}

export interface SeatingPolicy {
  /** SINGLE_SEAT_RULE: refuse holds that leave a single seat alone. */
  singleSeatRule: boolean;
  /** The companion seats' hold-back has ended (COMPANION_RELEASE_MINUTES before the show): they sell as regular seats. */
  companionsOnSale: boolean;
}

/** The rules as configured, for a showtime starting at `startsAt`. */
export const seatingPolicy = (
  settings: { SINGLE_SEAT_RULE: 'on' | 'off'; COMPANION_RELEASE_MINUTES: number },
  startsAt: Date,
  now: Date,
): SeatingPolicy => ({
  singleSeatRule: settings.SINGLE_SEAT_RULE === 'on',
  companionsOnSale: now.getTime() >= startsAt.getTime() - settings.COMPANION_RELEASE_MINUTES * 60_000,
});

/**
 * The seating rules of a hold of `taking`, given the seats of the rows it
 * touches (or the whole hall): a companion seat only with the wheelchair
 * space beside it, and no single seat left alone (core/seating.ts).
 */
export function assertSeating(hall: readonly PlacedSeat[], taking: readonly number[], policy: SeatingPolicy, now: Date, checkoutId: string | null): void {
  const spots = hall.map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: isFreeFor(s, now, checkoutId) }));
  const wanted = new Set(taking);
  if (!policy.companionsOnSale) {
    const alone = companionsAlone(spots, wanted);
    if (alone.length > 0) {
      throw unprocessable('A companion seat is sold together with the wheelchair space beside it', { reason: 'companion-seat', seatIds: alone });
    }
  }
  if (policy.singleSeatRule) {
    const stranded = strandedSeats(spots, wanted);
    if (stranded.length > 0) {
      throw new AppError('SINGLE_SEAT_GAP', 'These seats would leave a single seat alone; choose seats next to it or at the end of the row', { seatIds: stranded });
    }
  }
}
