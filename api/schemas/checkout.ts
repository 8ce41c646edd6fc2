import { z } from 'zod';
import { BookingStatuses, IntentHolders, SeatTypes } from '../../core/domain.js';
import { CHECKOUT_ID } from '../../core/ids.js';
import { TicketTypeCodes } from '../../core/pricing.js';
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

export const TicketTypeCode = z.enum(TicketTypeCodes).meta({ id: 'TicketTypeCode', description: 'adult is the base price; the others are priced from it (docs/pricing.md)' });

const PromoCodeAsk = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .meta({ description: 'A promo code, any case. One that cannot be redeemed is refused with 422 PROMO_CODE_INVALID (details.reason)', example: 'SUMMER10' });

const SeatTicketTypes = z
  .record(z.string().regex(/^[1-9]\d{0,15}$/, 'a seat id of seatIds'), TicketTypeCode)
  .meta({ description: 'The ticket type of each seat, by seat id; seats not named are adult', example: { '1503': 'child' } });

const TicketCounts = z
  .object(Object.fromEntries(TicketTypeCodes.map((code) => [code, z.number().int().min(0).max(50).optional()])) as Record<(typeof TicketTypeCodes)[number], z.ZodOptional<z.ZodNumber>>)
  .strict()
  .meta({ id: 'TicketCounts', description: 'How many tickets of each type, at most `count` in all; the rest are adult', example: { adult: 2, child: 2 } });

const NamedSeats = z
  .object({
    showtimeId: IntId,
    seatIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(50),
    ticketTypes: SeatTicketTypes.optional(),
    promoCode: PromoCodeAsk.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b.ticketTypes ?? {}).every((id) => b.seatIds.includes(Number(id))), {
    message: 'ticketTypes may only name seats of seatIds',
    path: ['ticketTypes'],
  })
  .meta({ id: 'HoldNamedSeats' });

const BestSeats = z
  .object({ showtimeId: IntId, bestAvailable: BestAvailableSpec, ticketCounts: TicketCounts.optional(), promoCode: PromoCodeAsk.optional() })
  .strict()
  .refine((b) => Object.values(b.ticketCounts ?? {}).reduce((sum: number, n) => sum + (n ?? 0), 0) <= b.bestAvailable.count, {
    message: 'ticketCounts add up to more tickets than bestAvailable.count',
    path: ['ticketCounts'],
  })
  .meta({ id: 'HoldBestAvailable' });

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
      .pipe(z.string().regex(/^\d{12,19}$/, 'must be a card number'))
      .optional()
      .meta({ description: 'Required unless the checkout costs nothing (its payment provider is `free`)' }),
  })
  .strict()
  .meta({ id: 'CardPayment' });

export const CancelBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

const Seat = z
  .object({ id: z.number().int(), label: z.string(), type: z.enum(SeatTypes), price: Money.meta({ description: 'The seat as its ticket type, before the discount (lines say which type)' }) })
  .meta({ id: 'BookedSeat' });

const Line = z
  .object({
    seatId: z.number().int(),
    label: z.string(),
    seatType: z.enum(SeatTypes),
    ticketType: TicketTypeCode,
    ticketTypeName: z.string().meta({ example: 'Child' }),
    price: Money.meta({ description: 'The seat as this ticket type, before the discount' }),
    discount: Money.meta({ description: "This line's share of the promo code's discount" }),
    amount: Money.meta({ description: 'price − discount' }),
  })
  .meta({ id: 'BookingLine' });

const Discount = z
  .object({ code: z.string(), amount: Money.meta({ description: 'Taken off the sum of the lines; amount = Σ price − this' }) })
  .meta({ id: 'Discount' });

const Payment = z
  .object({ provider: z.enum(IntentHolders).meta({ description: '`free`: the booking costs nothing, and paying it needs no card' }), intentId: z.string(), clientSecret: z.string().optional() })
  .meta({ id: 'Payment' });

export const Checkout = z
  .object({
    checkoutId: z.string(),
    status: z.enum(BookingStatuses),
    showtimeId: z.number().int(),
    seats: z.array(Seat),
    lines: z.array(Line),
    amount: Money.meta({ description: 'What is paid: the sum of the lines’ prices less the discount, never below 0' }),
    discount: Discount.nullable(),
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
