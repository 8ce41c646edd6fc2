import {
  applyDiscount,
  BASE_TICKET_TYPE,
  discountOn,
  normalizePromoCode,
  payable,
  priceSeats,
  PROMO_CODE_PATTERN,
  promoCodeInvalid,
  promoRefusal,
  ticketTypesNotOnSale,
  ticketTypesOf,
  typesNotOnSale,
  type PriceLine,
  type PricedSeat,
  type TicketChoice,
} from '../core/pricing.js';
import { unprocessable, type AppError } from '../core/errors.js';
import * as promos from './promo-codes.js';
import type { Sql } from './sql.js';
import * as ticketTypes from './ticket-types.js';

/**
 * The prices of a hold, inside its transaction (db/checkouts.ts hold): each
 * seat as its ticket type, and the promo code's redemption. The code's row is
 * locked after the showtime row and before the booking row is written (the
 * lock order of docs/checkout.md); a redemption is given back in the same
 * order by the release and refund transactions.
 */

export interface PricedHold {
  lines: PriceLine[];
  /** The lines' prices less the discount, never below 0: what the payment intent asks for. */
  amount: number;
  discount: number;
  /** The code redeemed (its stored, upper-case form), or null. */
  promo: { id: number; code: string } | null;
}

export interface PriceRequest {
  showtimeId: number;
  movieId: number;
  userId: number;
  now: Date;
  choice: TicketChoice;
  /** The smallest amount the payment provider charges in the showtime's currency (minor units). */
  minimumCharge: number;
}

/**
 * Prices the seats and, with a promo code, takes one of its redemptions:
 * the code's row locked, then checked (window, scope, redemptions left, the
 * user's own limit, counted under that lock) and counted. Refuses with
 * UNPROCESSABLE for a ticket type the showtime does not sell, and with
 * PROMO_CODE_INVALID for a code that cannot be redeemed, or that leaves a
 * total the provider cannot charge (more than 0, less than its minimum);
 * either rolls the whole hold back.
 */
export async function priceHold(tx: Sql, r: PriceRequest, seats: readonly PricedSeat[]): Promise<PricedHold> {
  const types = ticketTypesOf(seats.map((s) => s.id), r.choice);
  const asked = [...new Set(types.values())].filter((c) => c !== BASE_TICKET_TYPE);
  // Adult needs no rules: an all-adult hold reads nothing more.
  const effective = asked.length > 0 ? await ticketTypes.effectiveFor(tx, r.showtimeId) : [];
  const notOnSale = typesNotOnSale(asked, effective);
  if (notOnSale.length > 0) throw ticketTypesNotOnSale(notOnSale);
  const lines = priceSeats(seats, types, effective);
  if (r.choice.promoCode === undefined) {
    const priced = applyDiscount(lines, 0);
    if (!payable(priced.amount, r.minimumCharge)) throw belowMinimumCharge(priced.amount, r.minimumCharge);
    return { ...priced, promo: null };
  }

  const code = normalizePromoCode(r.choice.promoCode);
  const promo = PROMO_CODE_PATTERN.test(code) ? await promos.lockByCode(tx, code) : null;
  const userRedemptions = promo?.perUserLimit != null ? await promos.userRedemptions(tx, promo.id, r.userId, { lock: true }) : 0;
  const refusal = promoRefusal(promo, { now: r.now, movieId: r.movieId, showtimeId: r.showtimeId, userRedemptions });
  if (refusal || !promo) throw promoCodeInvalid(code, refusal ?? 'unknown');
  await promos.countRedemption(tx, promo.id);
  const subtotal = lines.reduce((sum, l) => sum + l.price, 0);
  const priced = applyDiscount(lines, discountOn(subtotal, promo));
  if (!payable(priced.amount, r.minimumCharge)) throw promoCodeInvalid(code, 'below-minimum-charge');
  return { lines: priced.lines, amount: priced.amount, discount: priced.discount, promo: { id: promo.id, code: promo.code } };
}

/** Seats whose own prices (no code) are less than the provider can charge: the ticket prices are set too low for it. */
const belowMinimumCharge = (amount: number, minimumCharge: number): AppError =>
  unprocessable('The total is less than the smallest amount the payment provider can charge', { amount, minimumCharge });

/** The redemption row of a priced hold, once its booking row exists. */
export async function recordRedemption(tx: Sql, priced: PricedHold, r: { bookingId: string; userId: number; now: Date }): Promise<void> {
  if (priced.promo) await promos.insertRedemption(tx, { promoId: priced.promo.id, bookingId: r.bookingId, userId: r.userId }, r.now);
}
