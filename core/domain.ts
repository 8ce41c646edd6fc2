/** Domain vocabulary shared by every layer. Values are what MySQL stores. */

export const SeatStatuses = ['available', 'held', 'booked'] as const;
export type SeatStatus = (typeof SeatStatuses)[number];

/**
 * held → held is a hold taking over one that expired (or a retried hold of the
 * same checkout, or an offer taking seats the waitlist holds); booked → held
 * is a refunded seat going to the waitlist first (docs/waitlist.md).
 */
export const SeatTransitions: Record<SeatStatus, readonly SeatStatus[]> = {
  available: ['held'],
  held: ['held', 'available', 'booked'],
  booked: ['available', 'held'],
};

/** `accessible` is a wheelchair space; `companion` is the seat beside one, kept for the wheelchair user's companion (core/seating.ts). */
export const SeatTypes = ['regular', 'premium', 'vip', 'accessible', 'companion'] as const;
export type SeatType = (typeof SeatTypes)[number];

export const BookingStatuses = [
  'HOLDING',
  'AWAITING_PAYMENT',
  'CONFIRMED',
  'EXPIRED',
  'CANCELLED',
  'FAILED',
  'REFUNDED',
] as const;
export type BookingStatus = (typeof BookingStatuses)[number];

/** A checkout in one of these states still owns its held seats. */
export const OpenBookingStatuses: readonly BookingStatus[] = ['HOLDING', 'AWAITING_PAYMENT'];

/**
 * Every state change a row may make, beside its statuses. The db modules check
 * each write against these (core/transitions.ts), so an illegal transition
 * fails loudly instead of writing.
 */
export const BookingTransitions: Record<BookingStatus, readonly BookingStatus[]> = {
  HOLDING: ['AWAITING_PAYMENT', 'EXPIRED', 'CANCELLED', 'FAILED'],
  AWAITING_PAYMENT: ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'],
  CONFIRMED: ['REFUNDED'],
  EXPIRED: [],
  CANCELLED: [],
  FAILED: [],
  REFUNDED: [],
};

export const ShowtimeStatuses = ['scheduled', 'cancelled'] as const;
export type ShowtimeStatus = (typeof ShowtimeStatuses)[number];

export const ShowtimeTransitions: Record<ShowtimeStatus, readonly ShowtimeStatus[]> = {
  scheduled: ['cancelled'],
  cancelled: [],
};

/**
 * A waitlist entry (docs/waitlist.md): waiting in line, then offered seats
 * (a checkout holds them for the entry's buyer), then booked when the offer
 * is paid or lapsed when it is not. `left`: the buyer left the line;
 * `closed`: the showtime started or was cancelled first.
 */
export const WaitlistStatuses = ['waiting', 'offered', 'booked', 'lapsed', 'left', 'closed'] as const;
export type WaitlistStatus = (typeof WaitlistStatuses)[number];

export const WaitlistTransitions: Record<WaitlistStatus, readonly WaitlistStatus[]> = {
  waiting: ['offered', 'left', 'closed'],
  offered: ['booked', 'lapsed', 'left'],
  booked: [],
  lapsed: [],
  left: [],
  closed: [],
};

/** Customers are users; staff work the door (check-in); admins run the cinema. Each role may do what the ones before it may. */
export const Roles = ['user', 'staff', 'admin'] as const;
export type Role = (typeof Roles)[number];

/** Whether `role` may do what `need` may. */
export const roleAtLeast = (role: Role, need: Role): boolean => Roles.indexOf(role) >= Roles.indexOf(need);

/** What a deployment takes its payments through (PAYMENTS_PROVIDER). */
export const PaymentProviders = ['mock', 'stripe'] as const;
/** Who holds a payment intent: the deployment's provider, or Marquee itself for a booking that costs nothing (payments/free-provider.ts). */
export const IntentHolders = [...PaymentProviders, 'free'] as const;
export type PaymentProviderName = (typeof IntentHolders)[number];

/** Per-seat-type price multipliers in percent of the showtime's base price. */
export const SeatTypePricePercent: Record<SeatType, number> = {
  regular: 100,
  accessible: 100,
  companion: 100,
  premium: 130,
  vip: 160,
};

export const seatPrice = (basePrice: number, type: SeatType): number =>
  Math.round((basePrice * SeatTypePricePercent[type]) / 100);
