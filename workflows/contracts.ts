/**
 * The checkout workflow's public contract: its input, update, signals, query,
 * search attributes and results. The API, the worker, the activities and the
 * tests all import these; nothing re-declares them.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BookingStatus, PaymentProviderName, SeatType } from '../core/domain.js';
import type { ErrorCode } from '../core/errors.js';
import type { TicketChoice, TicketTypeCode } from '../core/pricing.js';
import type { BestAvailableRequest } from '../core/seating.js';

/** Ticket types and the promo code are release 3 (docs/pricing.md); absent in earlier inputs (all adult, no code). */
export interface CheckoutInput extends TicketChoice {
  checkoutId: string;
  userId: number;
  showtimeId: number;
  /** The seats asked for; for a best-available checkout, the API's preferred pick. */
  seatIds: number[];
  /** Choose the seats in the hold (release 2; absent in release-1 inputs). */
  bestAvailable?: BestAvailableRequest;
  /** Hash of the request body; an Idempotency-Key reused with another body is refused. */
  requestHash: string;
  idempotencyKey: string | null;
}

export interface HeldSeat {
  id: number;
  label: string;
  type: SeatType;
  /** The seat's price as its ticket type, before the discount. */
  price: number;
  /** Release 3; absent in earlier results: adult. */
  ticketType?: TicketTypeCode;
  /** The seat's share of the promo code's discount (release 3; absent: 0). */
  discount?: number;
}

export interface PaymentInfo {
  provider: PaymentProviderName;
  intentId: string;
  clientSecret: string;
}

/** What `POST /checkouts` answers with `201`: the hold, synchronously. */
export interface HoldResult {
  checkoutId: string;
  status: BookingStatus;
  showtimeId: number;
  seats: HeldSeat[];
  amount: number;
  currency: string;
  expiresAt: string;
  payment: PaymentInfo;
}

export interface HoldRequest {
  requestHash: string;
}

/** Full state, answered by the `status` query. */
export interface CheckoutState {
  checkoutId: string;
  requestHash: string;
  status: BookingStatus;
  showtimeId: number;
  userId: number;
  seats: HeldSeat[];
  amount: number;
  currency: string;
  expiresAt: string | null;
  payment: PaymentInfo | null;
  lastPaymentError: string | null;
  reason: string | null;
  /** Why the hold was refused, kept so a retried request gets the same answer. */
  holdFailure: { code: ErrorCode; message: string; details: Record<string, unknown> } | null;
}

export const holdUpdate = defineUpdate<HoldResult, [HoldRequest]>('hold');
export const paymentSucceededSignal = defineSignal<[{ intentId: string; amount: number }]>('paymentSucceeded');
export const paymentFailedSignal = defineSignal<[{ reason: string }]>('paymentFailed');
/**
 * `sentAt` (ISO 8601): when the sender sent it. A cancel counts against the
 * hold's deadline by this time, so a checkout decides the same way however
 * late a worker takes it in. Cancels sent before it existed have none: the
 * checkout then goes by when it took them in.
 */
export const cancelSignal = defineSignal<[{ reason: string; sentAt?: string }]>('cancel');
/** A cancel as every sender sends it, stamped with `now` (the API's clock; workflow time in a workflow). */
export const cancelMessage = (reason: string, now: Date): { reason: string; sentAt: string } => ({ reason, sentAt: now.toISOString() });
export const statusQuery = defineQuery<CheckoutState>('status');
/** More time to pay, once (HOLD_EXTENSION_SECONDS); answers the new deadline. */
export const extendUpdate = defineUpdate<{ expiresAt: string }>('extend');

export const ShowtimeIdKey = defineSearchAttributeKey('ShowtimeId', SearchAttributeType.KEYWORD);
export const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const CheckoutStatusKey = defineSearchAttributeKey('CheckoutStatus', SearchAttributeType.KEYWORD);
export const SeatCountKey = defineSearchAttributeKey('SeatCount', SearchAttributeType.INT);

/** Every search attribute the workflows set; a Temporal namespace must have them registered (scripts/lib/temporal.sh does). */
export const SearchAttributeKeys = [ShowtimeIdKey, UserIdKey, CheckoutStatusKey, SeatCountKey];

/** The search attributes a checkout starts with, whoever starts it (a buyer's hold, a waitlist offer): HOLDING until its hold answers. */
export const checkoutStartAttributes = (c: { showtimeId: number; userId: number; seatCount: number }): SearchAttributePair[] => [
  { key: ShowtimeIdKey, value: String(c.showtimeId) },
  { key: UserIdKey, value: String(c.userId) },
  { key: CheckoutStatusKey, value: 'HOLDING' },
  { key: SeatCountKey, value: c.seatCount },
];

/** Workflow ids of the follow-up workflows, one per intent / booking / showtime so a repeat joins the first. */
export const refundWorkflowId = (intentId: string): string => `refund-${intentId}`;
export const cancelBookingWorkflowId = (bookingId: string): string => `cancel-${bookingId}`;
/** Showtime ids are only unique within a database: the task queue makes the id the deployment's own (as the waitlist's). */
export const cancelShowtimeWorkflowId = (taskQueue: string, showtimeId: number): string => `cancel-showtime-${taskQueue}-${showtimeId}`;

export interface RefundInput {
  intentId: string;
  checkoutId: string | null;
  reason: string;
}

export interface CancelBookingInput {
  bookingId: string;
  reason: string;
}

export interface CancelShowtimeInput {
  showtimeId: number;
  reason: string;
}

/**
 * One waitlist per showtime (docs/waitlist.md), started by the first buyer to
 * join. Showtime ids are only unique within a database: the task queue (one
 * per deployment on a shared Temporal namespace) makes the id the deployment's own.
 */
export const waitlistWorkflowId = (taskQueue: string, showtimeId: number): string => `waitlist-${taskQueue}-${showtimeId}`;

/** A waitlist offer's checkout: its input and search attributes, for whichever starts it first (the line, or its buyer leaving). */
export function offerCheckoutStart(offer: { entryId: string; userId: number; checkoutId: string; seatIds: number[] }, showtimeId: number) {
  const args: [CheckoutInput] = [
    { checkoutId: offer.checkoutId, userId: offer.userId, showtimeId, seatIds: offer.seatIds, requestHash: `waitlist:${offer.entryId}`, idempotencyKey: null },
  ];
  return {
    workflowId: offer.checkoutId,
    args,
    typedSearchAttributes: checkoutStartAttributes({ showtimeId, userId: offer.userId, seatCount: offer.seatIds.length }),
  };
}

export interface WaitlistInput {
  showtimeId: number;
  /** When the showtime starts: the line closes then. */
  startsAt: string;
}

/** Seats came back, or the line changed (someone joined or left): look at both again. */
export const lookAgainSignal = defineSignal('lookAgain');
