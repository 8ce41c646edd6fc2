import type { PaymentProviderName } from '../core/domain.js';
import { AppError, notFound } from '../core/errors.js';
import { assertSeatsBelong, assertSeatsFree, showtimeCancelled } from '../core/hold-rules.js';
import type { SeatChangeSet } from '../live/protocol.js';
import * as bookings from './bookings.js';
import * as seats from './seats.js';
import * as showtimes from './showtimes.js';
import { isLockContention, type Sql } from './sql.js';

/**
 * The checkout's transactions. Each is one MySQL transaction across the seat
 * rows, the showtime's seat version and the booking, taken in the one lock
 * order every writer shares: show_seats rows (by id), then the showtime row,
 * then the booking row. The showtime is updated before a booking row is
 * inserted because that insert's foreign-key check takes a shared lock on the
 * showtime row. A hold takes its user's row before all of them (the
 * open-checkout limit, bookings.assertMayOpenCheckout): no transaction holds a
 * seat, showtime or booking row while it waits for a user row (the booking
 * insert's foreign-key lock on the user row is already its own by then, and
 * the writes to users elsewhere lock nothing else), so this cannot deadlock.
 * Each returns the committed seat change for the caller to publish (after the
 * commit), or null when nothing changed (a retry).
 */

/** Runs `fn` in one transaction: a DataSource's `transaction`. */
export interface Transactor {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface HoldRequest {
  checkoutId: string;
  userId: number;
  showtimeId: number;
  /** Distinct, ascending. */
  seatIds: number[];
  idempotencyKey: string | null;
  provider: PaymentProviderName;
  currency: string;
  heldUntil: Date;
  now: Date;
  limits: bookings.OpenCheckoutLimits;
}

export interface HeldSeats {
  seats: { id: number; label: string; type: seats.LockedSeat['type']; price: number }[];
  amount: number;
  /** When the hold ends: the first attempt's `heldUntil`, also for a retried hold. */
  expiresAt: Date;
  change: SeatChangeSet | null;
}

/** How long a hold tries again when its seat rows are locked by another transaction, before it answers. */
const CONTENDED_RETRIES_MS = [10, 30, 60];

/**
 * Holds the seats for the checkout, all or nothing, and writes its booking
 * (HOLDING). A retry of a hold that already went through answers as the first
 * attempt did and changes nothing. Seat rows locked by another transaction (a
 * hold, a confirm or a release of the same seats in flight) are tried again
 * briefly; still locked, the seats are being taken: SEATS_UNAVAILABLE.
 */
export async function hold(db: Transactor, r: HoldRequest): Promise<HeldSeats> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await holdOnce(db, r);
    } catch (e) {
      const pause = CONTENDED_RETRIES_MS[attempt];
      if (!isLockContention(e)) throw e;
      if (pause === undefined) throw new AppError('SEATS_UNAVAILABLE', 'Some of these seats are being taken right now', { seatIds: r.seatIds, reason: 'contended' });
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function holdOnce(db: Transactor, r: HoldRequest): Promise<HeldSeats> {
  return db.transaction(async (tx) => {
    await bookings.assertMayOpenCheckout(tx, r);
    const locked = await seats.lockForHold(tx, r.showtimeId, r.seatIds);
    assertSeatsBelong(r.seatIds, locked.map((s) => s.id));
    const held = locked.map((s) => ({ id: s.id, label: s.label, type: s.type, price: s.price }));
    const amount = held.reduce((sum, s) => sum + s.price, 0);
    if (locked.every((s) => s.status === 'held' && s.checkoutId === r.checkoutId)) {
      const expiresAt = (await bookings.holdExpiry(tx, r.checkoutId)) ?? locked[0]!.heldUntil!;
      return { seats: held, amount, expiresAt, change: null };
    }
    assertSeatsFree(locked, r.now, r.checkoutId);
    await seats.hold(tx, locked, r.checkoutId, r.heldUntil);
    const version = await showtimes.bumpSeatVersion(tx, r.showtimeId, { scheduledOnly: true });
    if (version === null) throw showtimeCancelled(r.showtimeId);
    await bookings.insertHold(
      tx,
      {
        id: r.checkoutId,
        userId: r.userId,
        showtimeId: r.showtimeId,
        amount,
        currency: r.currency,
        provider: r.provider,
        idempotencyKey: r.idempotencyKey,
        holdExpiresAt: r.heldUntil,
        seats: held,
      },
      r.now,
    );
    return {
      seats: held,
      amount,
      expiresAt: r.heldUntil,
      change: { showtimeId: r.showtimeId, version, changes: held.map((s) => ({ seatId: s.id, status: 'held' as const })), reason: 'held' as const },
    };
  });
}

/** held → booked for every seat of the checkout, booking → CONFIRMED. SEATS_NOT_HELD when any seat is no longer its own. */
export function confirm(db: Transactor, checkoutId: string, showtimeId: number, now: Date): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const ids = await bookings.seatIdsOf(tx, checkoutId);
    if (ids.length === 0) throw new AppError('SEATS_NOT_HELD', 'Checkout has no seats', { checkoutId });
    const rows = await seats.lockByIds(tx, ids);
    if (rows.every((r) => r.status === 'booked' && r.bookingId === checkoutId)) return null;
    const lost = rows.filter((r) => !(r.status === 'held' && r.checkoutId === checkoutId));
    if (lost.length > 0) throw new AppError('SEATS_NOT_HELD', 'Seats are no longer held by this checkout', { seatIds: lost.map((r) => r.id) });
    await seats.book(tx, rows, checkoutId);
    const version = await showtimes.bumpSeatVersion(tx, showtimeId);
    if (version === null) throw notFound('showtime', showtimeId);
    await bookings.confirm(tx, checkoutId, now);
    return { showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'booked' as const })), reason: 'booked' as const };
  });
}

/**
 * Releases the seats this checkout still holds (never anyone else's) and
 * closes its booking with `status`. Safe to repeat.
 */
export function release(
  db: Transactor,
  r: { checkoutId: string; showtimeId: number; status: 'EXPIRED' | 'CANCELLED' | 'FAILED'; reason: string; now: Date },
): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const ids = await seats.lockHeldBy(tx, r.checkoutId);
    await seats.makeAvailable(tx, ids, 'held');
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, r.showtimeId) : null;
    // A hold refused before its booking row existed leaves nothing to close.
    if (await bookings.getState(tx, r.checkoutId)) await bookings.release(tx, r.checkoutId, r.status, r.reason, r.now);
    if (version === null) return null;
    return {
      showtimeId: r.showtimeId,
      version,
      changes: ids.map((seatId) => ({ seatId, status: 'available' as const })),
      reason: r.status === 'EXPIRED' ? ('expired' as const) : ('released' as const),
    };
  });
}

/** booked → available for a refunded booking; booking → REFUNDED. Safe to repeat. */
export function refundBooking(db: Transactor, bookingId: string, reason: string, now: Date): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const booking = await bookings.getState(tx, bookingId);
    if (!booking) throw notFound('booking', bookingId);
    const ids = await seats.lockBookedBy(tx, bookingId);
    await seats.makeAvailable(tx, ids, 'booked');
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, booking.showtimeId) : null;
    await bookings.markRefunded(tx, bookingId, reason, now);
    if (version === null) return null;
    return { showtimeId: booking.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'available' as const })), reason: 'refunded' as const };
  });
}

/** Marks a showtime cancelled and lists what must be unwound: open checkouts and confirmed bookings. */
export function cancelShowtime(db: Transactor, showtimeId: number): Promise<{ openCheckoutIds: string[]; confirmedBookingIds: string[] }> {
  return db.transaction(async (tx) => {
    if (!(await showtimes.markCancelled(tx, showtimeId))) throw notFound('showtime', showtimeId);
    const live = await bookings.lockLiveOfShowtime(tx, showtimeId);
    return {
      openCheckoutIds: live.filter((b) => b.status !== 'CONFIRMED').map((b) => b.id),
      confirmedBookingIds: live.filter((b) => b.status === 'CONFIRMED').map((b) => b.id),
    };
  });
}
