import { z } from 'zod';
import { BookingStatuses, PaymentProviders, SeatTypes } from '../../core/domain.js';
import { CHECKOUT_ID } from '../../core/ids.js';
import { Currency, IntId, Money, Pagination } from './common.js';
import { DayParam } from './params.js';

export const CheckoutIdParams = z.object({
  id: z.string().regex(CHECKOUT_ID, 'must be a checkout id like chk_01J…').meta({ example: 'chk_01JD3Z6R8W5X4V2T1S0Q9P8N7M' }),
});

export const BestAvailableSpec = z
  .object({
    count: z.number().int().min(1).max(50),
    seatType: z.enum(SeatTypes).optional().meta({ description: 'Only seats of this type' }),
    accessible: z.boolean().optional().meta({ description: 'Wheelchair spaces, with companion seats beside them' }),
    allowSplit: z.boolean().optional().meta({ description: 'When no row has them side by side, split the seats over the fewest adjacent rows' }),
  })
  .strict()
  .meta({ id: 'BestAvailable', description: 'The server chooses the best seats side by side (centre, two thirds back), never leaving a single seat alone' });

const NamedSeats = z
  .object({
    showtimeId: IntId,
    seatIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(50),
  })
  .strict()
  .meta({ id: 'HoldNamedSeats' });

const BestSeats = z.object({ showtimeId: IntId, bestAvailable: BestAvailableSpec }).strict().meta({ id: 'HoldBestAvailable' });

/** Either the seats by id, or how many and which kind: the server chooses them. */
export const CreateCheckoutBody = z.union([NamedSeats, BestSeats]).meta({ id: 'CreateCheckout' });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, '1–255 visible ASCII characters')
    .optional()
    .meta({ description: 'Retrying with the same key returns the same checkout' }),
});

export const CardPaymentBody = z
  .object({
    card: z
      .string()
      .transform((s) => s.replace(/[\s-]/g, ''))
      .pipe(z.string().regex(/^\d{12,19}$/, 'must be a card number')),
  })
  .strict()
  .meta({ id: 'CardPayment' });

export const CancelBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

const Seat = z.object({ id: z.number().int(), label: z.string(), type: z.enum(SeatTypes), price: Money }).meta({ id: 'BookedSeat' });

const Payment = z
  .object({ provider: z.enum(PaymentProviders), intentId: z.string(), clientSecret: z.string().optional() })
  .meta({ id: 'Payment' });

export const Checkout = z
  .object({
    checkoutId: z.string(),
    status: z.enum(BookingStatuses),
    showtimeId: z.number().int(),
    seats: z.array(Seat),
    amount: Money,
    currency: Currency,
    expiresAt: z.string().nullable(),
    payment: Payment.nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'Checkout' });

export const Booking = Checkout.extend({
  movie: z.object({ id: z.number().int(), title: z.string() }),
  hall: z.object({ id: z.number().int(), name: z.string() }),
  startsAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancellableUntil: z.string().nullable(),
}).meta({ id: 'Booking' });

export const AdminBooking = Booking.extend({
  userId: z.number().int(),
  customer: z.object({ id: z.number().int(), email: z.string(), name: z.string() }),
  workflowUrl: z.url().meta({ description: "The checkout workflow in the Temporal UI (TEMPORAL_UI_URL)" }),
}).meta({ id: 'AdminBooking' });

export const BookingListQuery = Pagination.extend({ status: z.enum(BookingStatuses).optional() });

/** A search text: trimmed; blank means no filter. */
const searchText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim() || undefined)
    .optional();

export const AdminBookingListQuery = BookingListQuery.extend({
  showtime: IntId.optional(),
  user: IntId.optional(),
  email: searchText(254).meta({ description: "Text contained in the customer's email (case-insensitive)" }),
  checkout: searchText(40).meta({ description: 'Text contained in the checkout id, e.g. its last characters' }),
  from: DayParam.optional().meta({ description: 'Bookings made on or after this UTC day' }),
  to: DayParam.optional().meta({ description: 'Bookings made on or before this UTC day' }),
});

export const ShowtimeCancelled = z
  .object({ showtimeId: z.number().int(), status: z.literal('cancelled'), checkoutsEnded: z.number().int(), bookingsRefunded: z.number().int() })
  .meta({ id: 'ShowtimeCancelled' });
