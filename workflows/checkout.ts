import { allHandlersFinished, condition, proxyActivities, proxyLocalActivities, type ApplicationFailure } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Reservation } from '../activities/reservation.js';
import { AppError, type ErrorCode } from '../core/errors.js';
import { appErrorFrom, toFailure } from '../core/failures.js';
import { activityOptions } from './activity-options.js';
import { Checkout, type Payment } from './checkout-state.js';
import { Compensations } from './compensations.js';
import type { CheckoutInput, CheckoutState } from './contracts.js';

const holdSteps = proxyLocalActivities<Activities>(activityOptions.hold);
const seats = proxyActivities<Activities>(activityOptions.seats);
const compensation = proxyActivities<Activities>(activityOptions.compensation);

type IntentState = Awaited<ReturnType<Activities['cancelPaymentIntent']>>;

/** How an unsold checkout closes: its booking's final status and why. */
interface Closing {
  status: 'EXPIRED' | 'CANCELLED' | 'FAILED';
  reason: string;
}

/** Refusals of the hold itself: nothing was written, so nothing is released. */
const REFUSALS: readonly string[] = ['SEATS_UNAVAILABLE', 'NOT_FOUND', 'UNPROCESSABLE'] satisfies ErrorCode[];

/**
 * One checkout, as a saga: reserve → await the payment or the deadline →
 * confirm, or compensate (give the money back, release the seats). The `hold`
 * update answers the POST once the reservation step is done; everything after
 * it is durable. docs/checkout.md draws it.
 */
export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutState> {
  const checkout = new Checkout(input);
  const undo = new Compensations<Closing>();

  const reservation = await reserve(checkout, undo);
  if (!reservation) return finish(checkout);

  const outcome = await paymentOrDeadline(checkout, reservation);
  if ('closing' in outcome) {
    // Paid during a customer's cancel: the cancel wins and the money goes back.
    if (outcome.intentState === 'succeeded') undo.add(() => compensation.refundPayment({ intentId: reservation.payment.intentId }));
    return close(checkout, undo, outcome.closing);
  }

  const matches = outcome.paid.intentId === reservation.payment.intentId && outcome.paid.amount === reservation.amount;
  if (!matches) return giveBack(checkout, undo, reservation, outcome.paid, 'payment did not match the checkout');
  if (!(await confirm(input))) return giveBack(checkout, undo, reservation, outcome.paid, 'seats were no longer held');
  checkout.transition('CONFIRMED', null);
  await compensation.sendConfirmation({ checkoutId: input.checkoutId });
  return finish(checkout);
}

/**
 * Holds the seats and creates the payment intent: one local activity, since
 * the POST waits on it. Registers the seats' release once they are held.
 */
async function reserve(checkout: Checkout, undo: Compensations<Closing>): Promise<Reservation | undefined> {
  const { checkoutId, userId, showtimeId, seatIds, idempotencyKey } = checkout.input;
  const release = (c: Closing) => compensation.releaseSeats({ checkoutId, showtimeId, ...c });
  try {
    const reservation = await holdSteps.reserveSeats({ checkoutId, userId, showtimeId, seatIds, idempotencyKey });
    undo.add(release);
    checkout.held(reservation);
    return reservation;
  } catch (e) {
    const failure = holdFailure(e);
    // Anything but a refusal (the provider never answered) may have held seats. Seats first, answer
    // second: a client that retries at once must find them free.
    if (!REFUSALS.includes(failure.type ?? '')) {
      undo.add(release);
      await undo.run({ status: 'FAILED', reason: 'payment provider unavailable' });
    }
    checkout.refused(failure);
    return undefined;
  }
}

/** The domain failure the hold failed with, for the update to hand to the API unchanged. */
function holdFailure(e: unknown): ApplicationFailure {
  const err = appErrorFrom(e) ?? new AppError('PAYMENT_PROVIDER_ERROR', 'Seats could not be held, try again');
  return toFailure(new AppError(err.code, err.message, err.details ?? {}, { retryable: false }));
}

/**
 * Waits for a payment, a cancel or the hold's deadline. Without a payment
 * signal the intent is cancelled; if it turns out to have been paid in that
 * same instant, the money wins over the deadline, but not over a cancel.
 */
async function paymentOrDeadline(
  checkout: Checkout,
  reservation: Reservation,
): Promise<{ paid: Payment } | { closing: Closing; intentState: IntentState }> {
  await condition(() => checkout.paid !== undefined || checkout.cancelReason !== undefined, reservation.holdTtlMs);
  if (checkout.paid) return { paid: checkout.paid };
  const intentId = reservation.payment.intentId;
  const intentState = await compensation.cancelPaymentIntent({ intentId });
  const cancelReason = checkout.cancelReason;
  if (intentState === 'succeeded' && cancelReason === undefined) return { paid: { intentId, amount: reservation.amount } };
  const closing: Closing = cancelReason !== undefined ? { status: 'CANCELLED', reason: cancelReason } : { status: 'EXPIRED', reason: 'hold expired before payment' };
  return { closing, intentState };
}

/** Books the held seats; false when they are somehow no longer this checkout's (guarded, never expected). */
async function confirm(input: CheckoutInput): Promise<boolean> {
  try {
    await seats.confirmSeats({ checkoutId: input.checkoutId, showtimeId: input.showtimeId });
    return true;
  } catch (e) {
    if (appErrorFrom(e)?.code === 'SEATS_NOT_HELD') return false;
    throw e;
  }
}

/** Money that cannot buy these seats goes back (and the checkout's own intent is voided), then the seats are released. */
function giveBack(checkout: Checkout, undo: Compensations<Closing>, reservation: Reservation, paid: Payment, reason: string): Promise<CheckoutState> {
  checkout.paymentGivenBack();
  undo.add(async () => {
    await compensation.refundPayment({ intentId: paid.intentId });
    if (paid.intentId !== reservation.payment.intentId) await compensation.cancelPaymentIntent({ intentId: reservation.payment.intentId });
  });
  return close(checkout, undo, { status: 'FAILED', reason });
}

async function close(checkout: Checkout, undo: Compensations<Closing>, closing: Closing): Promise<CheckoutState> {
  await undo.run(closing);
  checkout.transition(closing.status, closing.reason);
  return finish(checkout);
}

/** Lets the last messages finish, and gives back any payment that arrived while the checkout was closing unsold. */
async function finish(checkout: Checkout): Promise<CheckoutState> {
  await condition(allHandlersFinished);
  for (let late = checkout.unclaimedPayment(); late; late = checkout.unclaimedPayment()) {
    checkout.paymentGivenBack();
    await compensation.refundLatePayment({
      intentId: late.intentId,
      checkoutId: checkout.input.checkoutId,
      reason: `payment arrived while the checkout was ${checkout.state.status.toLowerCase()}`,
    });
  }
  return checkout.state;
}
