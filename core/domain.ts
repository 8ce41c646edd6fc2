/** Domain vocabulary shared by every layer. Values are what MySQL stores. */

export const SeatStatuses = ['available', 'held', 'booked'] as const;
export type SeatStatus = (typeof SeatStatuses)[number];

/** held → held is a hold taking over one that expired (or a retried hold of the same checkout). */
export const SeatTransitions: Record<SeatStatus, readonly SeatStatus[]> = {
  available: ['held'],
  held: ['held', 'available', 'booked'],
  booked: ['available'],
};

export const SeatTypes = ['regular', 'premium', 'vip', 'accessible'] as const;
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

export const Roles = ['user', 'admin'] as const;
export type Role = (typeof Roles)[number];

export const PaymentProviders = ['mock', 'stripe'] as const;
export type PaymentProviderName = (typeof PaymentProviders)[number];

/** Per-seat-type price multipliers in percent of the showtime's base price. */
export const SeatTypePricePercent: Record<SeatType, number> = {
  regular: 100,
  accessible: 100,
  premium: 130,
  vip: 160,
};

export const seatPrice = (basePrice: number, type: SeatType): number =>
  Math.round((basePrice * SeatTypePricePercent[type]) / 100);
