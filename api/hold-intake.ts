import { AppError, notFound } from '../core/errors.js';
import { assertSeating, assertSeatsBelong, assertSeatsFree, assertShowtimeOpen, isFreeFor, seatingPolicy, type PlacedSeat, type SeatingPolicy } from '../core/hold-rules.js';
import {
  normalizePromoCode,
  PROMO_CODE_PATTERN,
  promoCodeInvalid,
  promoRefusal,
  ticketTypesNotOnSale,
  typesAsked,
  typesNotOnSale,
  type TicketChoice,
} from '../core/pricing.js';
import { bestAvailable, type BestAvailableRequest } from '../core/seating.js';
import * as promos from '../db/promo-codes.js';
import { seatsFor } from '../core/waitlist.js';
import { seatMapCache, type SeatSnapshot } from '../db/seat-map.js';
import { basics } from '../db/showtimes.js';
import { effectiveFor } from '../db/ticket-types.js';
import { admit, admitRedemption, bothAdmitted, claimedSeats, NOTHING_CLAIMED, type Admission } from './admission.js';
import type { AppDeps } from './deps.js';

/**
 * What happens to a hold request before any workflow starts, so that the
 * requests that would lose never start one. From the showtime's cached seat
 * map (its version read after the request arrived): the showtime is open, the
 * seats are its own and free, and the seating rules hold. Then the seats are
 * claimed (api/admission.ts). A best-available request gets its preferred
 * block here, chosen from the seat map without the seats other requests are
 * claiming. Ticket types the showtime does not sell and a promo code that
 * cannot be redeemed are refused from a plain read, and one of the code's
 * redemptions left is claimed (api/admission.ts). All of it only ever
 * refuses or suggests: the row-locked hold decides.
 */

export type HoldAsk = ({ showtimeId: number; seatIds: number[] } | { showtimeId: number; bestAvailable: BestAvailableRequest }) & TicketChoice;

export interface Admitted {
  /** The seats asked for, or the preferred pick of a best-available request. */
  seatIds: number[];
  admission: Admission;
}

/** How often a best-available request picks again when another request claimed its pick first. */
const PICK_ATTEMPTS = 3;

export async function intake(deps: AppDeps, ask: HoldAsk, checkoutId: string, userId: number): Promise<Admitted> {
  const redemption = await admitPrices(deps, ask, checkoutId, userId);
  try {
    const seats = await admitSeats(deps, ask, checkoutId);
    return { seatIds: seats.seatIds, admission: bothAdmitted(redemption, seats.admission) };
  } catch (e) {
    await redemption.release();
    throw e;
  }
}

/**
 * Ticket types the showtime does not sell (422), and a promo code that cannot
 * be redeemed now (422 PROMO_CODE_INVALID), from plain reads; then a claim on
 * one of the code's redemptions left.
 */
async function admitPrices(deps: AppDeps, ask: HoldAsk, checkoutId: string, userId: number): Promise<Admission> {
  const asked = typesAsked(ask);
  if (asked.length > 0) {
    const notOnSale = typesNotOnSale(asked, await effectiveFor(deps.ds, ask.showtimeId));
    if (notOnSale.length > 0) throw ticketTypesNotOnSale(notOnSale);
  }
  if (ask.promoCode === undefined) return NOTHING_CLAIMED;
  const code = normalizePromoCode(ask.promoCode);
  const promo = PROMO_CODE_PATTERN.test(code) ? await promos.findByCode(deps.ds, code) : null;
  if (!promo) throw promoCodeInvalid(code, 'unknown');
  const showtime = await basics(deps.ds, ask.showtimeId);
  if (!showtime) throw notFound('showtime', ask.showtimeId);
  const userRedemptions = promo.perUserLimit !== null ? await promos.userRedemptions(deps.ds, promo.id, userId, { lock: false }) : 0;
  const refusal = promoRefusal(promo, { now: deps.clock.now(), movieId: showtime.movieId, showtimeId: showtime.id, userRedemptions });
  if (refusal) throw promoCodeInvalid(code, refusal);
  if (promo.maxRedemptions === null) return NOTHING_CLAIMED;
  const claimed = await admitRedemption(deps, promo.id, promo.maxRedemptions - promo.redemptions, checkoutId);
  if (!claimed) throw promoCodeInvalid(code, 'exhausted');
  return claimed;
}

async function admitSeats(deps: AppDeps, ask: HoldAsk, checkoutId: string): Promise<Admitted> {
  if ('seatIds' in ask) {
    const { hall, now, policy } = await seatMap(deps, ask.showtimeId);
    const byId = new Map(hall.seats.map((s) => [s.id, s]));
    assertSeatsBelong(ask.seatIds, hall.seats.map((s) => s.id));
    assertSeatsFree(ask.seatIds.map((id) => byId.get(id)!), now, checkoutId);
    assertSeating(hall.seats, ask.seatIds, policy, now, checkoutId);
    return { seatIds: ask.seatIds, admission: await admit(deps, ask.showtimeId, ask.seatIds, checkoutId) };
  }
  // One pick at a time per showtime on this node, each from the seat map as it is then: simultaneous requests
  // see each other's claims instead of all choosing the same best block. Requests on other nodes are caught by
  // the claim and pick again.
  return picking.run(ask.showtimeId, async () => {
    for (let attempt = 1; ; attempt++) {
      const { hall, now, policy } = await seatMap(deps, ask.showtimeId);
      const claimed = await claimedSeats(deps, ask.showtimeId);
      const spots = hall.seats.map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: !claimed.has(s.id) && isFreeFor(s, now, checkoutId) }));
      const pick = bestAvailable(spots, hall, ask.bestAvailable, { companionsOnSale: policy.companionsOnSale });
      if ('reason' in pick) throw new AppError('SEATS_UNAVAILABLE', `No seats to offer: ${pick.reason}`, { reason: pick.reason });
      try {
        return { seatIds: pick.seatIds, admission: await admit(deps, ask.showtimeId, pick.seatIds, checkoutId) };
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'SEATS_UNAVAILABLE' || attempt >= PICK_ATTEMPTS) throw e;
      }
    }
  });
}

/**
 * Whether `count` seats could be held now, by the waitlist's measure (side by
 * side, over adjacent rows, or apart, leaving no seat alone): the line is for
 * those who cannot. Seats the waitlist is offering are not free for this.
 */
export async function couldSeatNow(deps: AppDeps, showtimeId: number, count: number): Promise<boolean> {
  const { hall, now, policy } = await seatMap(deps, showtimeId);
  const spots = hall.seats.map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: isFreeFor(s, now, null) }));
  return seatsFor(spots, hall, count, policy) !== null;
}

/** The showtime's seats from the cached seat map, refused early when the showtime is not open. */
async function seatMap(deps: AppDeps, showtimeId: number): Promise<{ hall: { rows: number; cols: number; seats: PlacedSeat[] }; now: Date; policy: SeatingPolicy }> {
  const snapshot = await seatMapCache(deps.ds).snapshot(showtimeId);
  if (!snapshot) throw notFound('showtime', showtimeId);
  const now = deps.clock.now();
  assertShowtimeOpen({ id: showtimeId, status: snapshot.showtimeStatus, startsAt: snapshot.startsAt }, now);
  return { hall: { rows: snapshot.rows, cols: snapshot.cols, seats: placed(snapshot) }, now, policy: seatingPolicy(deps.config, snapshot.startsAt, now) };
}

/** Runs tasks one after another per key. */
class KeyedQueue {
  private readonly tails = new Map<number, Promise<unknown>>();

  run<T>(key: number, task: () => Promise<T>): Promise<T> {
    const prior = this.tails.get(key) ?? Promise.resolve();
    const next = prior.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

const picking = new KeyedQueue();

const placed = (snapshot: SeatSnapshot): PlacedSeat[] =>
  snapshot.seats.map((s) => ({
    id: s.id,
    status: s.status,
    checkoutId: null,
    heldUntil: s.heldUntil === null ? null : new Date(s.heldUntil),
    gridRow: s.gridRow,
    gridCol: s.gridCol,
    type: s.type,
  }));
