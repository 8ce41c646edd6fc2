import type { PaymentProviderName } from '../core/domain.js';
import { AppError, notFound } from '../core/errors.js';
import { assertSeating, assertSeatsBelong, assertSeatsFree, isFreeFor, showtimeCancelled, type SeatingPolicy } from '../core/hold-rules.js';
import { bestAvailable, leavesSeatAlone, type BestAvailableRequest, type HallShape } from '../core/seating.js';
import type { SeatChangeSet } from '../live/protocol.js';
import * as bookings from './bookings.js';
import { priceHold, recordRedemption, type PriceRequest } from './hold-pricing.js';
import * as notifications from './notifications.js';
import * as promos from './promo-codes.js';
import * as seats from './seats.js';
import * as showtimes from './showtimes.js';
import * as users from './users.js';
import { isLockContention, type Sql } from './sql.js';

/**
 * The checkout's transactions. Each is one MySQL transaction across the seat
 * rows, the showtime's seat version and the booking, taken in the one lock
 * order every writer shares: show_seats rows (by id), then the showtime row,
 * then the promo code row (when the checkout has a code), then the booking
 * row (and after it the promo redemption row). The showtime is updated before
 * a booking row is inserted because that insert's foreign-key check takes a
 * shared lock on the showtime row. The promo code row comes after the
 * showtime row so that it, the one row shared by holds of every showtime
 * using the code, is held only for the end of a hold that already has its
 * seats; and before the booking row because the hold's amount depends on it.
 * A hold takes its user's row before all of them (the open-checkout limit,
 * bookings.assertMayOpenCheckout): no transaction holds a seat, showtime or
 * booking row while it waits for a user row (the booking insert's
 * foreign-key lock on the user row is already its own by then, and the
 * writes to users elsewhere lock nothing else), so this cannot deadlock.
 * Each returns the committed seat change for the caller to publish (after the
 * commit), or null when nothing changed (a retry).
 */

/** Runs `fn` in one transaction: a DataSource's `transaction`. */
export interface Transactor {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface HoldRequest extends PriceRequest {
  checkoutId: string;
  userId: number;
  showtimeId: number;
  /** The seats asked for, distinct and ascending; for a best-available hold, the API's preferred pick (maybe empty). */
  seatIds: number[];
  /** Choose the seats here, under the row locks, instead of taking `seatIds` as they are. */
  bestAvailable?: BestAvailableRequest;
  hall: HallShape;
  policy: SeatingPolicy;
  idempotencyKey: string | null;
  provider: PaymentProviderName;
  currency: string;
  heldUntil: Date;
  now: Date;
  limits: bookings.OpenCheckoutLimits;
}

export interface HeldSeats {
  seats: bookings.BookedSeat[];
  amount: number;
  /** When the hold ends: the first attempt's `heldUntil`, also for a retried hold. */
  expiresAt: Date;
  change: SeatChangeSet | null;
}

/** How long a hold of named seats tries again when their rows are locked by another transaction, before it answers. */
const CONTENDED_RETRIES_MS = [10, 30, 60];
/** How many blocks a best-available hold tries when the one it chose is being taken meanwhile. */
const BEST_AVAILABLE_ATTEMPTS = 4;

/** The chosen seats turned out to be taken or locked meanwhile: choose again without them. */
class TakenMeanwhile extends Error {
  constructor(readonly seatIds: number[]) {
    super('chosen seats taken meanwhile');
  }
}

/**
 * Holds the seats for the checkout, all or nothing, and writes its booking
 * (HOLDING). A retry of a hold that already went through answers as the first
 * attempt did and changes nothing.
 *
 * Named seats locked by another transaction (a hold, a confirm or a release
 * of the same seats in flight) are tried again briefly; still locked, they
 * are being taken: SEATS_UNAVAILABLE. A best-available hold chooses its block
 * in its transaction and locks it; if another hold took or is taking it
 * meanwhile, it chooses the next best without those seats.
 */
export async function hold(db: Transactor, r: HoldRequest): Promise<HeldSeats> {
  const excluded = new Set<number>();
  for (let attempt = 0; ; attempt++) {
    try {
      return await holdOnce(db, r, excluded);
    } catch (e) {
      if (e instanceof TakenMeanwhile) {
        if (attempt + 1 >= BEST_AVAILABLE_ATTEMPTS) throw seatsBeingTaken(r);
        for (const id of e.seatIds) excluded.add(id);
        continue;
      }
      const pause = CONTENDED_RETRIES_MS[attempt];
      if (!isLockContention(e)) throw e;
      if (pause === undefined) throw seatsBeingTaken(r);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

const seatsBeingTaken = (r: HoldRequest): AppError =>
  new AppError('SEATS_UNAVAILABLE', 'Some of these seats are being taken right now', { seatIds: r.seatIds, reason: 'contended' });

function holdOnce(db: Transactor, r: HoldRequest, excluded: ReadonlySet<number>): Promise<HeldSeats> {
  return db.transaction(async (tx) => {
    // The user's row first, before any plain read (the open-checkout limit is counted exactly; see the lock order above).
    if (!(await users.lockForCheckout(tx, r.userId))) throw notFound('user', r.userId);
    const prior = await bookings.heldOf(tx, r.checkoutId);
    if (prior) return { ...prior, change: null };
    await bookings.assertMayOpenCheckout(tx, r);

    const seatIds = r.bestAvailable ? await choose(tx, r, excluded) : r.seatIds;
    const locked = await seats.lockForHold(tx, r.showtimeId, seatIds).catch((e: unknown) => {
      throw r.bestAvailable && isLockContention(e) ? new TakenMeanwhile(seatIds) : e;
    });
    assertSeatsBelong(seatIds, locked.map((s) => s.id));
    if (r.bestAvailable) {
      const gone = locked.filter((s) => !isFreeFor(s, r.now, r.checkoutId)).map((s) => s.id);
      if (gone.length > 0) throw new TakenMeanwhile(gone);
    } else {
      assertSeatsFree(locked, r.now, r.checkoutId);
      const rows = [...new Set(locked.map((s) => s.gridRow))];
      assertSeating(await seats.readPlaced(tx, r.showtimeId, rows), seatIds, r.policy, r.now, r.checkoutId);
    }

    const held = locked.map((s) => ({ id: s.id, label: s.label, type: s.type, price: s.price }));
    await seats.hold(tx, locked, r.checkoutId, r.heldUntil);
    const version = await showtimes.bumpSeatVersion(tx, r.showtimeId, { scheduledOnly: true });
    if (version === null) throw showtimeCancelled(r.showtimeId);
    const priced = await priceHold(tx, r, held);
    await bookings.insertHold(
      tx,
      {
        id: r.checkoutId,
        userId: r.userId,
        showtimeId: r.showtimeId,
        amount: priced.amount,
        promoCode: priced.promo?.code ?? null,
        discount: priced.discount,
        currency: r.currency,
        provider: r.provider,
        idempotencyKey: r.idempotencyKey,
        holdExpiresAt: r.heldUntil,
        seats: priced.lines,
      },
      r.now,
    );
    await recordRedemption(tx, priced, { bookingId: r.checkoutId, userId: r.userId, now: r.now });
    return {
      seats: priced.lines,
      amount: priced.amount,
      expiresAt: r.heldUntil,
      change: { showtimeId: r.showtimeId, version, changes: held.map((s) => ({ seatId: s.id, status: 'held' as const })), reason: 'held' as const },
    };
  });
}

/**
 * A best-available hold's seats: the API's preferred pick when it is still
 * free and still a valid block, else the best block of the hall as this
 * transaction reads it (without the seats found taken meanwhile).
 */
async function choose(tx: Sql, r: HoldRequest, excluded: ReadonlySet<number>): Promise<number[]> {
  const req = r.bestAvailable!;
  const placed = await seats.readPlaced(tx, r.showtimeId);
  const spots = placed.map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: !excluded.has(s.id) && isFreeFor(s, r.now, r.checkoutId) }));
  const opts = { companionsOnSale: r.policy.companionsOnSale };
  const preferred = r.seatIds.filter((id) => !excluded.has(id));
  let chosen: number[] | undefined;
  if (preferred.length === req.count) {
    // The preferred pick stands if the hall still offers it as a block: choosing among its own seats gives it back.
    const onlyThose = bestAvailable(spots.map((s) => ({ ...s, free: s.free && preferred.includes(s.id) })), r.hall, req, opts);
    if ('seatIds' in onlyThose && !leavesSeatAlone(spots, new Set(onlyThose.seatIds))) chosen = onlyThose.seatIds;
  }
  if (!chosen) {
    const best = bestAvailable(spots, r.hall, req, opts);
    if ('reason' in best) throw new AppError('SEATS_UNAVAILABLE', `No seats to offer: ${best.reason}`, { reason: best.reason });
    chosen = best.seatIds;
  }
  return [...chosen].sort((a, b) => a - b);
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
 * Releases the seats this checkout still holds (never anyone else's), gives
 * back its promo redemption and closes its booking with `status`. Safe to repeat.
 */
export function release(
  db: Transactor,
  r: { checkoutId: string; showtimeId: number; status: 'EXPIRED' | 'CANCELLED' | 'FAILED'; reason: string; now: Date },
): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const ids = await seats.lockHeldBy(tx, r.checkoutId);
    await seats.makeAvailable(tx, ids, 'held');
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, r.showtimeId) : null;
    await promos.returnRedemption(tx, r.checkoutId, r.now);
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

/**
 * booked → available for a refunded booking; its promo redemption given
 * back; booking → REFUNDED, and the customer's refund email queued in the
 * same commit (the outbox row that activities/notifications.ts delivers at
 * most once). Safe to repeat.
 */
export function refundBooking(db: Transactor, bookingId: string, reason: string, now: Date): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const booking = await bookings.getState(tx, bookingId);
    if (!booking) throw notFound('booking', bookingId);
    const ids = await seats.lockBookedBy(tx, bookingId);
    await seats.makeAvailable(tx, ids, 'booked');
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, booking.showtimeId) : null;
    await promos.returnRedemption(tx, bookingId, now);
    await bookings.markRefunded(tx, bookingId, reason, now);
    await notifications.queueOnce(tx, { userId: booking.userId, bookingId, kind: 'booking_refunded', channel: 'email', body: `refunded: ${reason}` }, now);
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

/**
 * Moves an open checkout's hold to `until`: its booking's hold_expires_at and
 * its seats' held_until together (a version bump, so seat maps re-read the
 * deadlines). Safe to repeat: a hold already at `until` changes nothing.
 */
export function extend(db: Transactor, r: { checkoutId: string; showtimeId: number; until: Date }): Promise<SeatChangeSet | null> {
  return db.transaction(async (tx) => {
    const ids = await seats.lockHeldBy(tx, r.checkoutId);
    const held = await bookings.heldOf(tx, r.checkoutId);
    const booking = await bookings.getState(tx, r.checkoutId);
    if (!held || booking?.status !== 'AWAITING_PAYMENT' || ids.length === 0) {
      throw new AppError('CONFLICT', 'This checkout is no longer holding seats', { checkoutId: r.checkoutId });
    }
    if (held.expiresAt.getTime() === r.until.getTime()) return null;
    const version = await showtimes.bumpSeatVersion(tx, r.showtimeId);
    if (version === null) throw notFound('showtime', r.showtimeId);
    await bookings.moveHoldExpiry(tx, r.checkoutId, r.until);
    await seats.holdUntil(tx, ids, r.until);
    return { showtimeId: r.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'held' as const })), reason: 'extended' as const };
  });
}
