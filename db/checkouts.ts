import type { PaymentProviderName } from '../core/domain.js';
import { AppError, notFound } from '../core/errors.js';
import { assertSeating, assertSeatsBelong, assertSeatsFree, isFreeFor, showtimeCancelled, type SeatHoldState, type SeatingPolicy } from '../core/hold-rules.js';
import { bestAvailable, leavesSeatAlone, type BestAvailableRequest, type HallShape } from '../core/seating.js';
import { planOffers, WAITLIST_HOLDER } from '../core/waitlist.js';
import type { SeatChangeSet } from '../live/protocol.js';
import * as bookings from './bookings.js';
import { priceHold, recordRedemption, type PriceRequest } from './hold-pricing.js';
import * as notifications from './notifications.js';
import * as promos from './promo-codes.js';
import * as seats from './seats.js';
import * as showtimes from './showtimes.js';
import * as users from './users.js';
import * as waitlist from './waitlist.js';
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
    await waitlist.settleOffer(tx, checkoutId, 'booked', now);
    return { showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'booked' as const })), reason: 'booked' as const };
  });
}

/** Seats given back, and whether they went to the showtime's waitlist first (then it must be told). */
export interface Released {
  change: SeatChangeSet | null;
  toWaitlist: boolean;
}

/**
 * Seats given back by a checkout or a booking: free for everyone, or, while
 * buyers wait for this showtime, held for the waitlist until `graceUntil`
 * (docs/waitlist.md). The waitlist offers them in that time; what it does
 * not offer is free for everyone when the grace period ends, as any hold
 * that runs out.
 */
async function giveBack(tx: Sql, showtimeId: number, ids: readonly number[], from: 'held' | 'booked', graceUntil: Date, now: Date): Promise<boolean> {
  if (ids.length === 0) return false;
  const toWaitlist = await waitlist.isOpen(tx, showtimeId, now);
  if (toWaitlist) await seats.hold(tx, ids.map((id) => ({ id, status: from })), WAITLIST_HOLDER, graceUntil);
  else await seats.makeAvailable(tx, ids, from);
  return toWaitlist;
}

/**
 * Releases the seats this checkout still holds (never anyone else's), gives
 * back its promo redemption and closes its booking with `status`; an offer
 * from the waitlist lapses with it. Safe to repeat.
 */
export function release(
  db: Transactor,
  r: { checkoutId: string; showtimeId: number; status: 'EXPIRED' | 'CANCELLED' | 'FAILED'; reason: string; graceUntil: Date; now: Date },
): Promise<Released> {
  return db.transaction(async (tx) => {
    const ids = await seats.lockHeldBy(tx, r.checkoutId);
    const toWaitlist = await giveBack(tx, r.showtimeId, ids, 'held', r.graceUntil, r.now);
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, r.showtimeId) : null;
    await promos.returnRedemption(tx, r.checkoutId, r.now);
    // A hold refused before its booking row existed leaves nothing to close.
    if (await bookings.getState(tx, r.checkoutId)) {
      await bookings.release(tx, r.checkoutId, r.status, r.reason, r.now);
      await waitlist.settleOffer(tx, r.checkoutId, 'lapsed', r.now);
    }
    if (version === null) return { change: null, toWaitlist };
    const status = toWaitlist ? ('held' as const) : ('available' as const);
    return {
      change: {
        showtimeId: r.showtimeId,
        version,
        changes: ids.map((seatId) => ({ seatId, status })),
        reason: r.status === 'EXPIRED' ? ('expired' as const) : ('released' as const),
      },
      toWaitlist,
    };
  });
}

/**
 * booked → available (or to the waitlist) for a refunded booking; its promo
 * redemption given back; booking → REFUNDED, and the customer's refund email
 * queued in the same commit (the outbox row that activities/mail-delivery.ts
 * delivers at most once). Safe to repeat.
 */
export function refundBooking(db: Transactor, r: { bookingId: string; reason: string; graceUntil: Date; now: Date }): Promise<Released> {
  return db.transaction(async (tx) => {
    const booking = await bookings.getState(tx, r.bookingId);
    if (!booking) throw notFound('booking', r.bookingId);
    const ids = await seats.lockBookedBy(tx, r.bookingId);
    const toWaitlist = await giveBack(tx, booking.showtimeId, ids, 'booked', r.graceUntil, r.now);
    const version = ids.length > 0 ? await showtimes.bumpSeatVersion(tx, booking.showtimeId) : null;
    await promos.returnRedemption(tx, r.bookingId, r.now);
    await bookings.markRefunded(tx, r.bookingId, r.reason, r.now);
    await notifications.queueOnce(
      tx,
      { userId: booking.userId, subjectId: r.bookingId, kind: 'booking_refunded', channel: 'email', body: `refunded: ${r.reason}` },
      r.now,
    );
    if (version === null) return { change: null, toWaitlist };
    const status = toWaitlist ? ('held' as const) : ('available' as const);
    return { change: { showtimeId: booking.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status })), reason: 'refunded' as const }, toWaitlist };
  });
}

/** A waitlist entry's offer: the checkout that now holds seats for its buyer. */
export interface WaitlistOffer {
  entryId: string;
  userId: number;
  checkoutId: string;
  seatIds: number[];
  /** The buyer left the line before the offer's checkout started: it is started only to be cancelled (its seats released). */
  left?: boolean;
}

export interface OfferRequest {
  showtimeId: number;
  hall: HallShape;
  policy: SeatingPolicy;
  provider: PaymentProviderName;
  currency: string;
  /** The end of each new offer's hold (WAITLIST_OFFER_SECONDS from now). */
  heldUntil: Date;
  now: Date;
}

/** The line changed while the offers were planned (someone left, or another offer step ran): plan again. */
class LineMoved extends Error {}

/** How often the offer step plans again when the line or the seats moved under it. */
const OFFER_ATTEMPTS = 4;

/** What an offer step did: the offers to start, the seat change to publish, and when the next seats held for the line run out of grace. */
export interface OfferRound {
  offers: WaitlistOffer[];
  change: SeatChangeSet | null;
  /** The earliest end of grace of the seats still held for the line (null: none): the step must run again then. */
  graceEndsAt: Date | null;
}

/**
 * Offers free seats to the showtime's waitlist, in line order (core/waitlist.ts):
 * seats the waitlist holds from a release, and seats free for anyone. Each
 * offer is a hold written as a checkout's hold is (booking HOLDING, owned by
 * the entry's buyer, seats held until `heldUntil`), and its entry becomes
 * `offered`, all in one transaction: no seat is offered twice, and no seat is
 * held without a buyer. The checkout workflow the caller starts for each
 * offer finds its hold in place and goes on to the payment.
 *
 * Seats held for the line whose grace has ended and that no offer took are
 * made available in the same transaction (and in the same seat change), so
 * every watcher hears that they are everyone's again.
 *
 * Also answers the offers whose checkout has not run its hold yet (this step
 * retried after a crash), so that the caller starts them: starting one twice
 * is refused by Temporal, which the caller ignores. Those whose buyer left
 * meanwhile are marked `left`: the caller cancels them once started.
 */
export async function offerToWaitlist(db: Transactor, r: OfferRequest, checkoutIdOf: (entryId: string) => string): Promise<OfferRound> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await offerOnce(db, r, checkoutIdOf);
    } catch (e) {
      if (attempt >= OFFER_ATTEMPTS || !(e instanceof LineMoved || e instanceof TakenMeanwhile || isLockContention(e))) throw e;
      await new Promise((resolve) => setTimeout(resolve, CONTENDED_RETRIES_MS[attempt - 1] ?? 60));
    }
  }
}

/** A seat held for the line (given back during its grace) whose grace has ended by `now`. */
const graceOver = (s: SeatHoldState, now: Date): boolean => s.status === 'held' && s.checkoutId === WAITLIST_HOLDER && s.heldUntil !== null && s.heldUntil <= now;

function offerOnce(db: Transactor, r: OfferRequest, checkoutIdOf: (entryId: string) => string): Promise<OfferRound> {
  return db.transaction(async (tx) => {
    const pending = (await waitlist.unstartedOffers(tx, r.showtimeId)).map(async (o) => ({ ...o, seatIds: await bookings.seatIdsOf(tx, o.checkoutId) }));
    const unstarted = await Promise.all(pending);
    const line = await waitlist.waiting(tx, r.showtimeId);
    const placed = await seats.readPlaced(tx, r.showtimeId);
    const spots = placed.map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: isFreeFor(s, r.now, WAITLIST_HOLDER) }));
    const plan = line.length === 0 ? [] : planOffers(line, spots, r.hall, r.policy);
    const offered = new Set(plan.flatMap((o) => o.seatIds));
    const lapsing = placed.filter((s) => graceOver(s, r.now) && !offered.has(s.id)).map((s) => s.id);
    const graceEnds = placed
      .filter((s) => s.status === 'held' && s.checkoutId === WAITLIST_HOLDER && s.heldUntil !== null && !graceOver(s, r.now) && !offered.has(s.id))
      .map((s) => s.heldUntil!.getTime());
    const graceEndsAt = graceEnds.length > 0 ? new Date(Math.min(...graceEnds)) : null;
    if (plan.length === 0 && lapsing.length === 0) return { offers: unstarted, change: null, graceEndsAt };

    const locked = await seats.lockForHold(tx, r.showtimeId, [...offered, ...lapsing].sort((a, b) => a - b));
    const gone = locked.filter((s) => offered.has(s.id) && !isFreeFor(s, r.now, WAITLIST_HOLDER)).map((s) => s.id);
    if (gone.length > 0) throw new TakenMeanwhile(gone);
    // A hold may have taken over a lapsed seat since it was read: that one is no longer the line's to give back.
    const freed = locked.filter((s) => !offered.has(s.id) && graceOver(s, r.now));
    await seats.makeAvailable(tx, freed.map((s) => s.id), 'held');
    const byId = new Map(locked.map((s) => [s.id, s]));
    const buyers = new Map(line.map((e) => [e.id, e.userId]));
    const offers: WaitlistOffer[] = plan.map((o) => ({ entryId: o.entryId, userId: buyers.get(o.entryId)!, checkoutId: checkoutIdOf(o.entryId), seatIds: o.seatIds }));
    for (const o of offers) await seats.hold(tx, o.seatIds.map((id) => byId.get(id)!), o.checkoutId, r.heldUntil);
    if (offers.length === 0 && freed.length === 0) return { offers: unstarted, change: null, graceEndsAt };
    const version = await showtimes.bumpSeatVersion(tx, r.showtimeId, { scheduledOnly: true });
    if (version === null) throw showtimeCancelled(r.showtimeId);
    for (const o of offers) {
      const held = o.seatIds.map((id) => byId.get(id)!);
      await bookings.insertHold(
        tx,
        {
          id: o.checkoutId,
          userId: o.userId,
          showtimeId: r.showtimeId,
          // An offer sells at adult prices, without a promo code (docs/waitlist.md).
          amount: held.reduce((sum, s) => sum + s.price, 0),
          promoCode: null,
          discount: 0,
          currency: r.currency,
          provider: r.provider,
          idempotencyKey: null,
          holdExpiresAt: r.heldUntil,
          seats: held.map((s) => ({ id: s.id, label: s.label, price: s.price, ticketType: 'adult' as const, discount: 0 })),
        },
        r.now,
      );
      if (!(await waitlist.markOffered(tx, o.entryId, o.checkoutId, r.now))) throw new LineMoved();
    }
    const changes = [
      ...offers.flatMap((o) => o.seatIds.map((seatId) => ({ seatId, status: 'held' as const }))),
      ...freed.map((s) => ({ seatId: s.id, status: 'available' as const })),
    ].sort((a, b) => a.seatId - b.seatId);
    return {
      offers: [...unstarted, ...offers],
      change: { showtimeId: r.showtimeId, version, changes, reason: offers.length > 0 ? ('offered' as const) : ('expired' as const) },
      graceEndsAt,
    };
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
    return moveHold(tx, r, ids);
  });
}

/**
 * Moves a fresh hold's end to `until` if the checkout still holds every seat
 * it was given (answers null otherwise: some were taken over after the hold
 * had run out). For a reservation whose payment intent came late.
 */
export function renewHold(db: Transactor, r: { checkoutId: string; showtimeId: number; until: Date }): Promise<{ change: SeatChangeSet | null } | null> {
  return db.transaction(async (tx) => {
    const ids = await seats.lockHeldBy(tx, r.checkoutId);
    const given = await bookings.seatIdsOf(tx, r.checkoutId);
    if (ids.length === 0 || ids.length !== given.length) return null;
    return { change: await moveHold(tx, r, ids) };
  });
}

/** The locked seats `ids` of a checkout and its booking are held until `until`; a version bump tells seat maps. */
async function moveHold(tx: Sql, r: { checkoutId: string; showtimeId: number; until: Date }, ids: number[]): Promise<SeatChangeSet> {
  const version = await showtimes.bumpSeatVersion(tx, r.showtimeId);
  if (version === null) throw notFound('showtime', r.showtimeId);
  await bookings.moveHoldExpiry(tx, r.checkoutId, r.until);
  await seats.holdUntil(tx, ids, r.until);
  return { showtimeId: r.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'held' as const })), reason: 'extended' as const };
}
