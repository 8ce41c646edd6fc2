import type { ActivityDeps } from './deps.js';
import type { IntentState } from '../payments/provider.js';
import type { PaymentInfo, RefundInput } from '../workflows/contracts.js';

/** Payment side effects, each idempotent per checkout or intent so retries are safe. */
export function createPaymentActivities(deps: ActivityDeps) {
  const { payments, ds, clock, log } = deps;

  async function createPaymentIntent(input: { checkoutId: string; amount: number; currency: string }): Promise<PaymentInfo> {
    const ref = await payments.createIntent(input);
    await ds.query(
      `UPDATE bookings SET payment_intent_id = ?, status = 'AWAITING_PAYMENT', updated_at = ?
        WHERE id = ? AND status IN ('HOLDING', 'AWAITING_PAYMENT')`,
      [ref.intentId, clock.now(), input.checkoutId],
    );
    return ref;
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
    const [booking]: { status: string; payment_intent_id: string | null }[] = input.checkoutId
      ? await ds.query('SELECT status, payment_intent_id FROM bookings WHERE id = ?', [input.checkoutId])
      : [];
    if (booking?.status === 'CONFIRMED' && booking.payment_intent_id === input.intentId) return 'kept-confirmed';
    const intent = await payments.getIntent(input.intentId);
    if (intent.state !== 'succeeded' && intent.state !== 'refunded') return 'not-paid';
    await payments.refund(input.intentId);
    if (input.checkoutId) {
      await ds.query('UPDATE bookings SET reason = ?, updated_at = ? WHERE id = ? AND status <> ?', [
        `late payment refunded: ${input.reason}`.slice(0, 255),
        clock.now(),
        input.checkoutId,
        'CONFIRMED',
      ]);
    }
    log.info({ intentId: input.intentId, checkoutId: input.checkoutId }, 'late payment refunded');
    return 'refunded';
  }

  async function getBookingPayment(input: { bookingId: string }): Promise<{ intentId: string | null; status: string } | null> {
    const [row]: { payment_intent_id: string | null; status: string }[] = await ds.query(
      'SELECT payment_intent_id, status FROM bookings WHERE id = ?',
      [input.bookingId],
    );
    return row ? { intentId: row.payment_intent_id, status: row.status } : null;
  }

  return { createPaymentIntent, cancelPaymentIntent, refundPayment, refundLatePayment, getBookingPayment };
}
