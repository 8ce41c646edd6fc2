import type { PaymentInfo } from '../workflows/contracts.js';
import type { createPaymentActivities } from './payment-steps.js';
import type { createSeatActivities, HoldSeatsInput, HoldSeatsResult } from './seats.js';

export interface Reservation extends HoldSeatsResult {
  payment: PaymentInfo;
}

/**
 * The hold and its payment intent as one step, because the POST waits on
 * both: one local activity instead of two saves a workflow activation per
 * checkout. A retry is safe: the hold answers for a checkout that already
 * holds its seats, and the intent is created once per checkout.
 */
export function createReservationActivities(
  seats: ReturnType<typeof createSeatActivities>,
  payments: ReturnType<typeof createPaymentActivities>,
) {
  async function reserveSeats(input: HoldSeatsInput): Promise<Reservation> {
    const held = await seats.holdSeats(input);
    const payment = await payments.createPaymentIntent({ checkoutId: input.checkoutId, amount: held.amount, currency: held.currency });
    return { ...held, payment };
  }
  return { reserveSeats };
}
