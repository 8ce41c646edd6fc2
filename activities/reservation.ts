import { AppError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { PaymentInfo } from '../workflows/contracts.js';
import { stepScheduledAt } from './failures.js';
import type { createPaymentActivities } from './payment-steps.js';
import type { createSeatActivities, HoldSeatsInput, HoldSeatsResult } from './seats.js';

export interface Reservation extends HoldSeatsResult {
  payment: PaymentInfo;
}

/** A reservation that took longer than this (a slow or unreachable payment provider) gives its hold the time back. */
export const RENEW_HOLD_AFTER_MS = 2000;

/**
 * The hold and its payment intent as one step, because the POST waits on
 * both: one local activity instead of two saves a workflow activation per
 * checkout. A retry is safe: the hold answers for a checkout that already
 * holds its seats, and the intent is created once per checkout.
 *
 * The time to pay starts when the customer can pay: if the step took long
 * (the provider was slow, or down and retried), the hold ends that much
 * later. A hold that ran out meanwhile and lost seats to another buyer
 * cannot be kept: the step fails as the provider's outage, and the checkout
 * releases what it still holds.
 */
export function createReservationActivities(
  seats: ReturnType<typeof createSeatActivities>,
  payments: ReturnType<typeof createPaymentActivities>,
  clock: Clock,
) {
  async function reserveSeats(input: HoldSeatsInput): Promise<Reservation> {
    const started = stepScheduledAt(clock.now().getTime());
    const held = await seats.holdSeats(input);
    const payment = await payments.createPaymentIntent({ checkoutId: input.checkoutId, amount: held.amount, currency: held.currency });
    const lateMs = clock.now().getTime() - started;
    if (lateMs < RENEW_HOLD_AFTER_MS) return { ...held, payment };
    const renewed = await seats.renewHold({ checkoutId: input.checkoutId, showtimeId: input.showtimeId, expiresAt: held.expiresAt, byMs: lateMs });
    if (!renewed) {
      throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment provider answered after the hold had run out and lost seats; try again', {}, { retryable: false });
    }
    return { ...held, expiresAt: renewed.expiresAt, holdTtlMs: Math.max(0, Date.parse(renewed.expiresAt) - clock.now().getTime()), payment };
  }
  return { reserveSeats };
}
