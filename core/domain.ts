/** Domain vocabulary shared by every layer. Values are what MySQL stores. */

export const SeatStatuses = ['available', 'held', 'booked'] as const;
export type SeatStatus = (typeof SeatStatuses)[number];

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

export const ShowtimeStatuses = ['scheduled', 'cancelled'] as const;
export type ShowtimeStatus = (typeof ShowtimeStatuses)[number];

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
