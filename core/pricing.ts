import { SeatTypes, type SeatType } from './domain.js';
import { AppError } from './errors.js';

/**
 * What a seat costs: ticket types and promo codes, pure (docs/pricing.md).
 * The hold applies these to the rows it locked; the API describes the prices
 * with them; nothing here reads a clock or a database.
 *
 * Money is integer minor units. Every rounding is half up, in integers.
 */

/** Adult is the base: the seat's own price. The others are priced from it by a rule per seat type. */
export const TicketTypeCodes = ['adult', 'child', 'senior', 'student'] as const;
export type TicketTypeCode = (typeof TicketTypeCodes)[number];
export const BASE_TICKET_TYPE: TicketTypeCode = 'adult';

/** How tickets and receipts name each type, in the order they are listed. */
export const TicketTypeNames: Record<TicketTypeCode, string> = { adult: 'Adult', child: 'Child', senior: 'Senior', student: 'Student' };

export const PriceRuleKinds = ['percent', 'fixed'] as const;
export type PriceRuleKind = (typeof PriceRuleKinds)[number];

/** A percentage (0–100) of the adult price of the same seat, or a fixed amount in minor units (never above the adult price). */
export interface PriceRule {
  kind: PriceRuleKind;
  value: number;
}

export type SeatTypeRules = Partial<Record<SeatType, PriceRule>>;

/** The adult rule, the same for every seat type: the seat's own price. */
export const ADULT_RULE: PriceRule = { kind: 'percent', value: 100 };

/** A ticket type as the default set or a showtime has it. */
export interface TicketTypeSetting {
  code: TicketTypeCode;
  onSale: boolean;
  rules: SeatTypeRules;
}

/** A showtime's own settings for a type: whatever it names replaces the default. */
export interface TicketTypeOverride {
  code: TicketTypeCode;
  onSale?: boolean | undefined;
  rules: SeatTypeRules;
}

/** A ticket type in effect for one showtime, and which of its parts the showtime set itself. */
export interface EffectiveTicketType extends TicketTypeSetting {
  overridden: { onSale: boolean; seatTypes: SeatType[] };
}

/** n × percent / 100, rounded half up, for non-negative integers. */
export const percentOf = (amount: number, percent: number): number => Math.floor((amount * percent + 50) / 100);

/** The price of a ticket of a type with `rule` for a seat whose adult price is `adultPrice`. A missing rule is the adult price. */
export function ticketPrice(adultPrice: number, rule: PriceRule | undefined): number {
  if (!rule) return adultPrice;
  if (rule.kind === 'percent') return percentOf(adultPrice, rule.value);
  return Math.min(rule.value, adultPrice);
}

/** The set in effect for a showtime: each type's on-sale flag and rules, the showtime's own where it has them. Adult is always on sale at the seat's price. */
export function effectiveTicketTypes(defaults: readonly TicketTypeSetting[], overrides: readonly TicketTypeOverride[]): EffectiveTicketType[] {
  return TicketTypeCodes.map((code) => {
    const base = defaults.find((d) => d.code === code) ?? { code, onSale: code === BASE_TICKET_TYPE, rules: {} };
    const own = overrides.find((o) => o.code === code);
    if (code === BASE_TICKET_TYPE) {
      return { code, onSale: true, rules: Object.fromEntries(SeatTypes.map((t) => [t, ADULT_RULE])), overridden: { onSale: false, seatTypes: [] } };
    }
    const ownSeatTypes = SeatTypes.filter((t) => own?.rules[t] !== undefined);
    return {
      code,
      onSale: own?.onSale ?? base.onSale,
      rules: { ...base.rules, ...own?.rules },
      overridden: { onSale: own?.onSale !== undefined, seatTypes: ownSeatTypes },
    };
  });
}

/** What each ticket type on sale costs per seat type, given each seat type's adult price. */
export function priceList(types: readonly EffectiveTicketType[], adultPrices: Record<SeatType, number>): { code: TicketTypeCode; name: string; prices: Record<SeatType, number> }[] {
  return types
    .filter((t) => t.onSale)
    .map((t) => ({
      code: t.code,
      name: TicketTypeNames[t.code],
      prices: Object.fromEntries(SeatTypes.map((s) => [s, ticketPrice(adultPrices[s], t.rules[s])])) as Record<SeatType, number>,
    }));
}

/** A seat being sold: its id, label, seat type and adult price. */
export interface PricedSeat {
  id: number;
  label: string;
  type: SeatType;
  price: number;
}

/** One seat of a booking: its ticket type, its price as that type, and its share of the booking's discount. */
export interface PriceLine extends PricedSeat {
  ticketType: TicketTypeCode;
  discount: number;
}

/**
 * The ticket type of each seat of a best-available hold, given how many of
 * each type were asked for (the rest are adult): seats in id order take the
 * types in list order.
 */
export function assignTicketCounts(seatIds: readonly number[], counts: Partial<Record<TicketTypeCode, number>>): Map<number, TicketTypeCode> {
  const order = [...seatIds].sort((a, b) => a - b);
  const types = TicketTypeCodes.filter((c) => c !== BASE_TICKET_TYPE).flatMap((c) => Array.from({ length: counts[c] ?? 0 }, () => c));
  return new Map(order.map((id, i) => [id, types[i] ?? BASE_TICKET_TYPE]));
}

/** The ticket types asked for that the showtime does not sell, or none. */
export const typesNotOnSale = (asked: Iterable<TicketTypeCode>, types: readonly EffectiveTicketType[]): TicketTypeCode[] =>
  [...new Set(asked)].filter((code) => !types.find((t) => t.code === code)?.onSale);

/** Each seat priced as its ticket type (adult where none is named), before any discount. */
export function priceSeats(seats: readonly PricedSeat[], ticketTypes: ReadonlyMap<number, TicketTypeCode>, types: readonly EffectiveTicketType[]): PriceLine[] {
  return seats.map((s) => {
    const ticketType = ticketTypes.get(s.id) ?? BASE_TICKET_TYPE;
    const rule = ticketType === BASE_TICKET_TYPE ? undefined : types.find((t) => t.code === ticketType)?.rules[s.type];
    return { ...s, ticketType, price: ticketPrice(s.price, rule), discount: 0 };
  });
}

export const PromoKinds = ['percent', 'fixed'] as const;
export type PromoKind = (typeof PromoKinds)[number];

/** A promo code's discount on a subtotal: a percentage of it (rounded half up) or a fixed amount, never more than the subtotal. */
export function discountOn(subtotal: number, promo: { kind: PromoKind; value: number }): number {
  const off = promo.kind === 'percent' ? percentOf(subtotal, promo.value) : promo.value;
  return Math.max(0, Math.min(off, subtotal));
}

/**
 * Splits a discount over the lines in proportion to their prices (largest
 * remainder; ties to the earlier line), so each line's net amount is known:
 * the shares add up to the discount and no share exceeds its line's price.
 */
export function allocateDiscount(prices: readonly number[], discount: number): number[] {
  const total = prices.reduce((a, b) => a + b, 0);
  if (total === 0 || discount === 0) return prices.map(() => 0);
  const amount = Math.min(discount, total);
  const shares = prices.map((p) => Math.floor((amount * p) / total));
  let left = amount - shares.reduce((a, b) => a + b, 0);
  const byRemainder = prices.map((p, i) => ({ i, r: (amount * p) % total })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    if (shares[i]! < prices[i]!) {
      shares[i]! += 1;
      left -= 1;
    }
  }
  return shares;
}

/** The lines with the discount spread over them, and what the booking costs: the lines' prices less the discount, never below 0. */
export function applyDiscount(lines: readonly PriceLine[], discount: number): { lines: PriceLine[]; subtotal: number; discount: number; amount: number } {
  const subtotal = lines.reduce((sum, l) => sum + l.price, 0);
  const applied = Math.min(discount, subtotal);
  const shares = allocateDiscount(lines.map((l) => l.price), applied);
  return { lines: lines.map((l, i) => ({ ...l, discount: shares[i]! })), subtotal, discount: applied, amount: subtotal - applied };
}

/** Why a promo code does not apply; `details.reason` of PROMO_CODE_INVALID. */
export const PromoRefusalReasons = ['unknown', 'not-yet-valid', 'expired', 'not-applicable', 'exhausted', 'per-user-limit', 'below-minimum-charge'] as const;
export type PromoRefusalReason = (typeof PromoRefusalReasons)[number];

/** How customers type codes: letters, digits, `-` and `_`, 3–32 characters, any case. */
export const PROMO_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/;

/** The stored form of a code: trimmed, upper case. Codes compare case-insensitively. */
export const normalizePromoCode = (code: string): string => code.trim().toUpperCase();

/** A promo code as the hold checks it. */
export interface PromoCodeState {
  id: number;
  code: string;
  kind: PromoKind;
  value: number;
  maxRedemptions: number | null;
  perUserLimit: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  /** Redemptions in use: of open checkouts and confirmed bookings. */
  redemptions: number;
  active: boolean;
  movieIds: number[];
  showtimeIds: number[];
}

/**
 * Why `promo` cannot be redeemed for this showtime now, or null when it can.
 * The window is [validFrom, validUntil). A code limited to movies and/or
 * showtimes applies to the showtimes listed and to every showtime of the
 * movies listed. A deactivated code is unknown to customers.
 */
export function promoRefusal(
  promo: PromoCodeState | null,
  at: { now: Date; movieId: number; showtimeId: number; userRedemptions: number },
): PromoRefusalReason | null {
  if (!promo || !promo.active) return 'unknown';
  if (promo.validFrom && at.now < promo.validFrom) return 'not-yet-valid';
  if (promo.validUntil && at.now >= promo.validUntil) return 'expired';
  const scoped = promo.movieIds.length > 0 || promo.showtimeIds.length > 0;
  if (scoped && !promo.movieIds.includes(at.movieId) && !promo.showtimeIds.includes(at.showtimeId)) return 'not-applicable';
  if (promo.maxRedemptions !== null && promo.redemptions >= promo.maxRedemptions) return 'exhausted';
  if (promo.perUserLimit !== null && at.userRedemptions >= promo.perUserLimit) return 'per-user-limit';
  return null;
}

export const PromoRefusalMessages: Record<PromoRefusalReason, string> = {
  unknown: 'There is no such promo code',
  'not-yet-valid': 'This promo code is not valid yet',
  expired: 'This promo code has expired',
  'not-applicable': 'This promo code does not apply to this showtime',
  exhausted: 'This promo code has been used up',
  'per-user-limit': 'You have used this promo code as often as it allows',
  'below-minimum-charge': 'With this promo code the total would be less than the smallest amount that can be charged: book without it, or with more seats',
};

/**
 * Whether `amount` can be paid: nothing (a free booking, which no provider
 * charges), or at least the provider's smallest charge in that currency.
 */
export const payable = (amount: number, minimumCharge: number): boolean => amount === 0 || amount >= minimumCharge;

/** The hold's answer to a code it cannot redeem: 422 PROMO_CODE_INVALID with `details.reason`. */
export const promoCodeInvalid = (code: string, reason: PromoRefusalReason): AppError =>
  new AppError('PROMO_CODE_INVALID', PromoRefusalMessages[reason], { code, reason });

/** What a hold asks of prices: the ticket types of its seats and a promo code. */
export interface TicketChoice {
  /** Named seats: the ticket type per seat id; seats not named are adult. */
  ticketTypes?: Record<string, TicketTypeCode> | undefined;
  /** Best available: how many tickets of each type; the rest are adult. */
  ticketCounts?: Partial<Record<TicketTypeCode, number>> | undefined;
  /** As typed; compared case-insensitively. */
  promoCode?: string | undefined;
}

/** The ticket type of each of the hold's seats. */
export function ticketTypesOf(seatIds: readonly number[], choice: TicketChoice): Map<number, TicketTypeCode> {
  if (choice.ticketCounts) return assignTicketCounts(seatIds, choice.ticketCounts);
  return new Map(seatIds.map((id) => [id, choice.ticketTypes?.[String(id)] ?? BASE_TICKET_TYPE]));
}

/** The types a choice names besides adult. */
export function typesAsked(choice: TicketChoice): TicketTypeCode[] {
  const named = choice.ticketCounts
    ? TicketTypeCodes.filter((c) => (choice.ticketCounts?.[c] ?? 0) > 0)
    : Object.values(choice.ticketTypes ?? {});
  return [...new Set(named)].filter((c) => c !== BASE_TICKET_TYPE);
}

/** The hold's answer to a ticket type the showtime does not sell. */
export const ticketTypesNotOnSale = (codes: TicketTypeCode[]): AppError =>
  new AppError('UNPROCESSABLE', `This showtime does not sell ${codes.map((c) => TicketTypeNames[c].toLowerCase()).join(', ')} tickets`, {
    reason: 'ticket-type-not-on-sale',
    ticketTypes: codes,
  });

/** One line of a booking as customers read it: the seat, its ticket type, its price, its share of the discount and what it costs after it. */
export interface BookingLine {
  seatId: number;
  label: string;
  seatType: SeatType;
  ticketType: TicketTypeCode;
  ticketTypeName: string;
  price: number;
  discount: number;
  amount: number;
}

/** A booking's lines from its seats (those recorded before ticket types existed are adult, without a discount). */
export const bookingLines = (seats: readonly (PricedSeat & { ticketType?: TicketTypeCode | undefined; discount?: number | undefined })[]): BookingLine[] =>
  seats.map((s) => {
    const ticketType = s.ticketType ?? BASE_TICKET_TYPE;
    const discount = s.discount ?? 0;
    return { seatId: s.id, label: s.label, seatType: s.type, ticketType, ticketTypeName: TicketTypeNames[ticketType], price: s.price, discount, amount: s.price - discount };
  });

/** The promo code a booking redeemed and the discount it gave, or null without one. */
export const discountSummary = (code: string | null | undefined, lines: readonly BookingLine[]): { code: string; amount: number } | null =>
  code ? { code, amount: lines.reduce((sum, l) => sum + l.discount, 0) } : null;
