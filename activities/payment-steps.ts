import * as bookings from '../db/bookings.js';
import type { IntentState } from '../payments/provider.js';
import type { PaymentInfo, RefundInput } from '../workflows/contracts.js';
import type { ActivityDeps } from './deps.js';

/** Payment side effects, each idempotent per checkout or intent so retries are safe. */
export function createPaymentActivities(deps: ActivityDeps) {
  const { payments, ds, clock, log } = deps;

  /**
   * The checkout's intent (one per checkout, however often this runs); the
   * booking then awaits its payment. The first intent recorded on the booking
   * is the checkout's: a provider that ignores the idempotency key (localstripe
   * does) makes a new intent on each attempt, and an attempt abandoned at its
   * timeout keeps running beside its retry. An attempt that finds another
   * intent recorded voids its own (nobody was given it) and answers that one.
   */
  async function createPaymentIntent(input: { checkoutId: string; amount: number; currency: string }): Promise<PaymentInfo> {
    const ref = await payments.createIntent(input);
    if (await bookings.awaitPayment(ds, input.checkoutId, ref, clock.now())) return ref;
    const recorded = (await bookings.getState(ds, input.checkoutId))?.intentId;
    if (!recorded || recorded === ref.intentId) return ref;
    await payments.cancelIntent(ref.intentId);
    log.warn({ checkoutId: input.checkoutId, duplicate: ref.intentId, kept: recorded }, 'a second payment intent for one checkout was voided');
    const kept = await payments.getIntent(recorded);
    return { provider: ref.provider, intentId: kept.intentId, clientSecret: kept.clientSecret };
  }

  /** Returns the intent's state after trying to cancel it: `succeeded` means it was paid first. */
  async function cancelPaymentIntent(input: { intentId: string }): Promise<IntentState> {
    return payments.cancelIntent(input.intentId);
  }

  async function refundPayment(input: { intentId: string }): Promise<void> {
    await payments.refund(input.intentId);
  }

  /**
   * Money that arrived for a checkout that had already closed. Refunded unless
   * that very intent paid for a confirmed booking (a replayed success event).
   */
  async function refundLatePayment(input: RefundInput): Promise<'refunded' | 'kept-confirmed' | 'not-paid'> {
    const booking = input.checkoutId ? await bookings.getState(ds, input.checkoutId) : null;
    if (booking?.status === 'CONFIRMED' && booking.intentId === input.intentId) return 'kept-confirmed';
    const intent = await payments.getIntent(input.intentId);
    if (intent.state !== 'succeeded' && intent.state !== 'refunded') return 'not-paid';
    await payments.refund(input.intentId);
    if (input.checkoutId) await bookings.noteLateRefund(ds, input.checkoutId, input.reason, clock.now());
    log.info({ intentId: input.intentId, checkoutId: input.checkoutId }, 'late payment refunded');
    return 'refunded';
  }

  async function getBookingPayment(input: { bookingId: string }): Promise<{ intentId: string | null; status: string } | null> {
    const booking = await bookings.getState(ds, input.bookingId);
    return booking ? { intentId: booking.intentId, status: booking.status } : null;
  }

  return { createPaymentIntent, cancelPaymentIntent, refundPayment, refundLatePayment, getBookingPayment };
}
