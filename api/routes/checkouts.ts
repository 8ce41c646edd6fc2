import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../core/errors.js';
import { getState } from '../../db/bookings.js';
import { intake, type HoldAsk } from '../hold-intake.js';
import { assertSeatCount } from '../../core/hold-rules.js';
import { checkoutIdForKey, newCheckoutId } from '../../core/ids.js';
import { OpenBookingStatuses } from '../../core/domain.js';
import { BASE_TICKET_TYPE, bookingLines, discountSummary, normalizePromoCode, TicketTypeCodes, type TicketChoice } from '../../core/pricing.js';
import {
  cancelMessage,
  cancelSignal,
  checkoutStartAttributes,
  extendUpdate,
  holdUpdate,
  type CheckoutInput,
  type CheckoutState,
  type HoldResult,
} from '../../workflows/contracts.js';
import type { checkoutWorkflow } from '../../workflows/checkout.js';
import type { AuthUser } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { ingestPaymentEvent } from '../payment-events.js';
import { route } from '../route.js';
import { decided } from '../settle.js';
import { CancelBody, CardPaymentBody, Checkout, CheckoutIdParams, CreateCheckoutBody, IdempotencyHeaders } from '../schemas/checkout.js';
import { findBooking, type BookingView } from '../../db/bookings.js';

const TAGS = ['Checkout'];

/** A checkout as the API answers it: from the booking row, or from the hold's answer (whose promo code is the request's). */
function checkoutBody(b: BookingView | HoldResult, opts: { promoCode?: string | undefined; clientSecret?: string | undefined } = {}) {
  const lines = 'lines' in b ? b.lines : bookingLines(b.seats);
  return {
    checkoutId: b.checkoutId,
    status: b.status,
    showtimeId: b.showtimeId,
    seats: b.seats.map(({ id, label, type, price }) => ({ id, label, type, price })),
    lines,
    amount: b.amount,
    discount: 'discount' in b ? b.discount : discountSummary(opts.promoCode && normalizePromoCode(opts.promoCode), lines),
    currency: b.currency,
    expiresAt: b.expiresAt,
    payment: b.payment ? { ...b.payment, ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}) } : null,
    reason: 'reason' in b ? b.reason : null,
  };
}

/** The booking row, visible to its owner and to admins; 404 for anyone else (no existence leak). */
export async function ownedBooking(deps: AppDeps, id: string, user: AuthUser): Promise<BookingView> {
  const booking = await findBooking(deps.ds, deps.config, id);
  if (!booking || (booking.userId !== user.id && user.role !== 'admin')) throw notFound('checkout', id);
  return booking;
}

/**
 * The ticket choice as the request hash takes it: the types other than adult
 * (per seat in seat order, or counted in list order) and the code in its
 * stored case; nothing when the request leaves them at their defaults, so a
 * plain request hashes as it did before ticket types existed.
 */
function normalizedChoice(ask: HoldAsk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('seatIds' in ask) {
    const typed = Object.entries(ask.ticketTypes ?? {})
      .filter(([, type]) => type !== BASE_TICKET_TYPE)
      .map(([id, type]) => [Number(id), type] as const)
      .sort(([a], [b]) => a - b);
    if (typed.length > 0) out.ticketTypes = typed;
  } else {
    const counts = TicketTypeCodes.filter((c) => c !== BASE_TICKET_TYPE && (ask.ticketCounts?.[c] ?? 0) > 0).map((c) => [c, ask.ticketCounts![c]]);
    if (counts.length > 0) out.ticketCounts = counts;
  }
  if (ask.promoCode !== undefined) out.promoCode = normalizePromoCode(ask.promoCode);
  return out;
}

/** What identifies a request for its Idempotency-Key: the showtime and the seats asked for (in any order), or the best-available ask; the ticket types and the promo code. */
const requestHash = (ask: HoldAsk): string =>
  createHash('sha256')
    .update(
      JSON.stringify({
        ...('seatIds' in ask
          ? { showtimeId: ask.showtimeId, seatIds: [...new Set(ask.seatIds)].sort((a, b) => a - b) }
          : { showtimeId: ask.showtimeId, bestAvailable: ask.bestAvailable }),
        ...normalizedChoice(ask),
      }),
    )
    .digest('hex');

/** The ticket choice the workflow hands to the hold. */
const choiceOf = (ask: HoldAsk): TicketChoice => ({
  ...('seatIds' in ask ? (ask.ticketTypes ? { ticketTypes: ask.ticketTypes } : {}) : ask.ticketCounts ? { ticketCounts: ask.ticketCounts } : {}),
  ...(ask.promoCode !== undefined ? { promoCode: normalizePromoCode(ask.promoCode) } : {}),
});

/** A retried POST whose checkout already closed: answer as the first request was answered. */
async function replayClosedCheckout(deps: AppDeps, checkoutId: string, hash: string): Promise<HoldResult> {
  // The workflow's result is its final state, read from history: no worker replay needed.
  const state: CheckoutState = await deps.temporal.workflow.getHandle<typeof checkoutWorkflow>(checkoutId).result();
  if (state.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
  }
  if (state.holdFailure) {
    throw new AppError(state.holdFailure.code, state.holdFailure.message, state.holdFailure.details);
  }
  return { ...state, expiresAt: state.expiresAt ?? '', payment: state.payment! };
}

export const checkoutRoutes = [
  route({
    method: 'post',
    path: '/checkouts',
    summary: 'Hold seats and start a checkout',
    tags: TAGS,
    auth: 'user',
    body: CreateCheckoutBody,
    headers: IdempotencyHeaders,
    responses: {
      201: { description: 'Seats held; pay before expiresAt', schema: Checkout },
      409: { description: 'SEATS_UNAVAILABLE: some seats are taken (details.seatIds)' },
      422: {
        description:
          'Showtime started or cancelled, too many seats, unknown seats, a ticket type not on sale, Idempotency-Key reused with another body, or PROMO_CODE_INVALID (details.reason: unknown, not-yet-valid, expired, not-applicable, exhausted, per-user-limit, below-minimum-charge), or a total the payment provider cannot charge',
      },
      503: { description: 'Payment provider unavailable' },
    },
    handler: async ({ body, user, ctx }, deps) => {
      const header = IdempotencyHeaders.safeParse({ 'idempotency-key': ctx.get('idempotency-key') || undefined });
      if (!header.success) throw new AppError('VALIDATION_FAILED', 'Invalid Idempotency-Key header', { in: 'header' });
      const key = header.data['idempotency-key'] ?? null;
      const count = 'seatIds' in body ? body.seatIds.length : body.bestAvailable.count;
      assertSeatCount(count, deps.config.MAX_SEATS_PER_CHECKOUT);
      const checkoutId = key ? checkoutIdForKey(user.id, key) : newCheckoutId();
      // A retry of a checkout that exists goes straight to it: it answers as it answered first.
      const retry = key !== null && (await getState(deps.ds, checkoutId)) !== null;
      const admitted = retry ? undefined : await intake(deps, body, checkoutId, user.id);
      const hash = requestHash(body);
      const input: CheckoutInput = {
        checkoutId,
        userId: user.id,
        showtimeId: body.showtimeId,
        seatIds: admitted?.seatIds ?? ('seatIds' in body ? body.seatIds : []),
        ...('bestAvailable' in body ? { bestAvailable: body.bestAvailable } : {}),
        ...choiceOf(body),
        requestHash: hash,
        idempotencyKey: key,
      };
      const start = new WithStartWorkflowOperation<typeof checkoutWorkflow>('checkoutWorkflow', {
        workflowId: checkoutId,
        taskQueue: deps.config.TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: checkoutStartAttributes({ showtimeId: body.showtimeId, userId: user.id, seatCount: 'seatIds' in body ? new Set(body.seatIds).size : count }),
      });
      let result: HoldResult;
      try {
        result = await deps.temporal.workflow.executeUpdateWithStart(holdUpdate, { args: [{ requestHash: hash }], startWorkflowOperation: start });
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        result = await replayClosedCheckout(deps, checkoutId, hash);
      } finally {
        await admitted?.admission.release();
      }
      ctx.set('Location', `/api/v1/checkouts/${checkoutId}`);
      return { status: 201, body: checkoutBody(result, { promoCode: body.promoCode, clientSecret: result.payment.clientSecret }) };
    },
  }),

  route({
    method: 'get',
    path: '/checkouts/:id',
    summary: 'A checkout (owner or admin)',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    responses: { 200: { description: 'The checkout', schema: Checkout } },
    handler: async ({ params, user }, deps) => ({ body: checkoutBody(await ownedBooking(deps, params.id, user)) }),
  }),

  route({
    method: 'post',
    path: '/checkouts/:id/cancel',
    summary: 'Cancel an unpaid checkout and release its seats',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    body: CancelBody,
    responses: {
      200: { description: 'Cancelled (or already closed)', schema: Checkout },
      202: { description: 'Cancellation accepted, still releasing', schema: Checkout },
      409: { description: 'Already confirmed: cancel the booking instead' },
    },
    handler: async ({ params, body, user }, deps) => {
      const booking = await ownedBooking(deps, params.id, user);
      if (booking.status === 'CONFIRMED') throw conflict('This checkout is paid; cancel the booking instead', { status: booking.status });
      if (!OpenBookingStatuses.includes(booking.status)) return { body: checkoutBody(booking) };
      const handle = deps.temporal.workflow.getHandle(params.id);
      await handle.signal(cancelSignal, cancelMessage(body.reason ?? 'cancelled by customer', deps.clock.now()));
      await decided(deps, params.id, OpenBookingStatuses, 5000);
      const after = await ownedBooking(deps, params.id, user);
      return { status: OpenBookingStatuses.includes(after.status) ? 202 : 200, body: checkoutBody(after) };
    },
  }),

  route({
    method: 'post',
    path: '/checkouts/:id/extend',
    summary: 'More time to pay: the hold gets HOLD_EXTENSION_SECONDS more, once per checkout',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    responses: {
      200: { description: 'Extended: expiresAt is the new end of the hold', schema: Checkout },
      409: { description: 'Extended already, or no longer awaiting payment' },
    },
    handler: async ({ params, user }, deps) => {
      const booking = await ownedBooking(deps, params.id, user);
      if (booking.userId !== user.id) throw forbidden('Only the customer can extend a checkout');
      if (booking.status !== 'AWAITING_PAYMENT') throw conflict('This checkout is not awaiting payment', { status: booking.status });
      try {
        await deps.temporal.workflow.getHandle(params.id).executeUpdate(extendUpdate);
      } catch (e) {
        // Closed between the read and the update.
        if (e instanceof WorkflowNotFoundError) throw conflict('This checkout is not awaiting payment');
        throw e;
      }
      return { body: checkoutBody(await ownedBooking(deps, params.id, user)) };
    },
  }),

  route({
    method: 'post',
    path: '/checkouts/:id/pay',
    summary: 'Pay a checkout with a test card (4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 declines); a free one needs no card',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    body: CardPaymentBody,
    responses: {
      200: { description: 'Paid and confirmed (or already paid)', schema: Checkout },
      202: { description: 'Payment accepted, confirmation in progress', schema: Checkout },
      402: { description: 'PAYMENT_DECLINED: the card was declined; the hold stays until it expires' },
      409: { description: 'The checkout is no longer awaiting payment' },
    },
    handler: async ({ params, body, user }, deps) => {
      const booking = await ownedBooking(deps, params.id, user);
      if (booking.status === 'CONFIRMED') return { body: checkoutBody(booking) };
      if (booking.status !== 'AWAITING_PAYMENT' || !booking.payment) {
        throw conflict('This checkout is not awaiting payment', { status: booking.status });
      }
      if (booking.userId !== user.id) throw forbidden('Only the customer can pay a checkout');
      if (body.card === undefined && booking.payment.provider !== 'free') {
        throw validationFailed('A card is required to pay this checkout', { in: 'body', field: 'card' });
      }
      const event = await deps.payments.payWithTestCard(booking.payment.intentId, body.card);
      await ingestPaymentEvent(deps, event);
      if (event.type === 'payment_intent.payment_failed') {
        throw new AppError('PAYMENT_DECLINED', 'The card was declined', { reason: event.failureReason, checkoutId: params.id });
      }
      await decided(deps, params.id, ['AWAITING_PAYMENT'], 5000);
      const after = await ownedBooking(deps, params.id, user);
      return { status: after.status === 'CONFIRMED' ? 200 : 202, body: checkoutBody(after) };
    },
  }),
];
