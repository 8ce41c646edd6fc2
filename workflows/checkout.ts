import { allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, type ApplicationFailure } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Reservation } from '../activities/reservation.js';
import { AppError, type ErrorCode } from '../core/errors.js';
import { appErrorFrom, toFailure } from '../core/failures.js';
import { activityOptions } from './activity-options.js';
import { Checkout, type Payment } from './checkout-state.js';
import { Compensations } from './compensations.js';
import type { CheckoutInput, CheckoutState } from './contracts.js';
import { Patches } from './patches.js';
import { workflowNow } from './time.js';

type IntentState = Awaited<ReturnType<Activities['cancelPaymentIntent']>>;

/** The steps after the hold: confirming the seats, and what compensates. */
interface Steps extends Pick<Activities, 'confirmSeats' | 'releaseSeats' | 'cancelPaymentIntent' | 'refundPayment' | 'refundLatePayment' | 'sendConfirmation'> {
  /** Voids the intent when the hold ends unpaid: the step that decides how an unpaid checkout closes. */
  cancelUnpaid: Activities['cancelPaymentIntent'];
}

const holdSteps = proxyLocalActivities<Activities>(activityOptions.hold);
const extendSteps = proxyLocalActivities<Activities>(activityOptions.seatsLocal);
const seats = proxyActivities<Activities>(activityOptions.seats);
const compensation = proxyActivities<Activities>(activityOptions.compensation);

/**
 * Release 1 ran the steps after the hold as activities, each a round trip
 * through the server. Checkouts started since run them as local activities in
 * the workflow's own task, except the intent's cancellation at the deadline or
 * on a cancel: it stays an activity, so that decision is recorded before
 * anything acts on it. (A local activity's effect is recorded only with its
 * task; a payment signal arriving before that would replay the task down the
 * paid branch after seats were already released. Every later step is safe to
 * repeat, which is what a retried task does to local activities.) Running
 * checkouts keep the shape they started with.
 */
function stepsOf(local: boolean): Steps {
  const [forward, undo] = local
    ? [proxyLocalActivities<Activities>(activityOptions.seatsLocal), proxyLocalActivities<Activities>(activityOptions.compensationLocal)]
    : [seats, compensation];
  // Activity proxies make a function per name asked for: each is named here.
  const { releaseSeats, cancelPaymentIntent, refundPayment, refundLatePayment, sendConfirmation } = undo;
  return {
    confirmSeats: forward.confirmSeats,
    releaseSeats,
    cancelPaymentIntent,
    refundPayment,
    refundLatePayment,
    sendConfirmation,
    cancelUnpaid: compensation.cancelPaymentIntent,
  };
}

/** How an unsold checkout closes: its booking's final status and why. */
interface Closing {
  status: 'EXPIRED' | 'CANCELLED' | 'FAILED';
  reason: string;
}

/** One running checkout: its state and messages, its undo steps, and the steps it calls. */
interface Saga {
  checkout: Checkout;
  undo: Compensations<Closing>;
  steps: Steps;
}

/** Refusals of the hold itself: nothing was written, so nothing is released. */
const REFUSALS: readonly string[] = ['SEATS_UNAVAILABLE', 'NOT_FOUND', 'UNPROCESSABLE'] satisfies ErrorCode[];

/**
 * One checkout, as a saga: reserve → await the payment or the deadline →
 * confirm, or compensate (give the money back, release the seats). The `hold`
 * update answers the POST once the reservation step is done; everything after
 * it is durable. docs/architecture.md draws it.
 */
export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutState> {
  // Handlers first, then the patch markers: the order the recorded shapes have them in.
  const checkout = new Checkout(input);
  const steps = stepsOf(patched(Patches.localSteps));
  if (patched(Patches.holdExtension)) checkout.allowExtension((from) => extendSteps.extendHold({ checkoutId: input.checkoutId, showtimeId: input.showtimeId, from }));
  const saga: Saga = { checkout, undo: new Compensations<Closing>(), steps };
  const { undo } = saga;

  const reservation = await reserve(saga);
  if (!reservation) return finish(saga);

  const outcome = await paymentOrDeadline(saga, reservation);
  if ('closing' in outcome) {
    // Paid during a customer's cancel: the cancel wins and the money goes back.
    if (outcome.intentState === 'succeeded') undo.add(() => steps.refundPayment({ intentId: reservation.payment.intentId }));
    return close(saga, outcome.closing);
  }

  const matches = outcome.paid.intentId === reservation.payment.intentId && outcome.paid.amount === reservation.amount;
  if (!matches) return giveBack(saga, reservation, outcome.paid, 'payment did not match the checkout');
  if (!(await confirm(saga))) return giveBack(saga, reservation, outcome.paid, 'seats were no longer held');
  checkout.transition('CONFIRMED', null);
  await steps.sendConfirmation({ checkoutId: input.checkoutId });
  return finish(saga);
}

/**
 * Holds the seats and creates the payment intent: one local activity, since
 * the POST waits on it. Registers the seats' release once they are held.
 */
async function reserve({ checkout, undo, steps }: Saga): Promise<Reservation | undefined> {
  const { checkoutId, userId, showtimeId, seatIds, bestAvailable, idempotencyKey, ticketTypes, ticketCounts, promoCode } = checkout.input;
  const release = (c: Closing) => steps.releaseSeats({ checkoutId, showtimeId, ...c });
  try {
    // The ticket choice only changes the step's input, not the workflow's commands: running checkouts and recorded histories replay unchanged.
    const reservation = await holdSteps.reserveSeats({ checkoutId, userId, showtimeId, seatIds, bestAvailable, idempotencyKey, ticketTypes, ticketCounts, promoCode });
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
 * the intent is cancelled; if it turns out to have been paid in that same
 * instant, the money wins over the deadline, but not over a cancel sent
 * before it (a cancel sent later changes nothing: `Checkout.cancelInTime`).
 */
async function paymentOrDeadline({ checkout, steps }: Saga, reservation: Reservation): Promise<{ paid: Payment } | { closing: Closing; intentState: IntentState }> {
  const decided = (): boolean => checkout.paid !== undefined || checkout.cancelReason !== undefined;
  if (checkout.extendable) await untilDecidedOrDue(checkout, decided);
  else await condition(decided, reservation.holdTtlMs);
  if (checkout.paid) return { paid: checkout.paid };
  const intentId = reservation.payment.intentId;
  const intentState = await steps.cancelUnpaid({ intentId });
  const cancelReason = checkout.cancelReason !== undefined && patched(Patches.cancelByDeadline) ? checkout.cancelInTime : checkout.cancelReason;
  if (intentState === 'succeeded' && cancelReason === undefined) return { paid: { intentId, amount: reservation.amount } };
  const closing: Closing = cancelReason !== undefined ? { status: 'CANCELLED', reason: cancelReason } : { status: 'EXPIRED', reason: 'hold expired before payment' };
  return { closing, intentState };
}

/**
 * Waits until `decided`, or until the hold's deadline: a timer that an
 * extension moves (it re-arms with the new deadline), and that an extension
 * being written holds back until it is done.
 */
async function untilDecidedOrDue(checkout: Checkout, decided: () => boolean): Promise<void> {
  for (;;) {
    const deadline = checkout.deadlineMs;
    await condition(() => decided() || checkout.deadlineMs !== deadline, Math.max(0, deadline - workflowNow()));
    if (checkout.extending) await condition(() => !checkout.extending);
    if (decided() || checkout.deadlineMs === deadline) return;
  }
}

/** Books the held seats; false when they are somehow no longer this checkout's (guarded, never expected). */
async function confirm({ checkout, steps }: Saga): Promise<boolean> {
  try {
    await steps.confirmSeats({ checkoutId: checkout.input.checkoutId, showtimeId: checkout.input.showtimeId });
    return true;
  } catch (e) {
    if (appErrorFrom(e)?.code === 'SEATS_NOT_HELD') return false;
    throw e;
  }
}

/** Money that cannot buy these seats goes back (and the checkout's own intent is voided), then the seats are released. */
function giveBack(saga: Saga, reservation: Reservation, paid: Payment, reason: string): Promise<CheckoutState> {
  const { checkout, undo, steps } = saga;
  checkout.paymentGivenBack();
  undo.add(async () => {
    await steps.refundPayment({ intentId: paid.intentId });
    if (paid.intentId !== reservation.payment.intentId) await steps.cancelPaymentIntent({ intentId: reservation.payment.intentId });
  });
  return close(saga, { status: 'FAILED', reason });
}

async function close(saga: Saga, closing: Closing): Promise<CheckoutState> {
  await saga.undo.run(closing);
  saga.checkout.transition(closing.status, closing.reason);
  return finish(saga);
}

/** Lets the last messages finish, and gives back any payment that arrived while the checkout was closing unsold. */
async function finish({ checkout, steps }: Saga): Promise<CheckoutState> {
  await condition(allHandlersFinished);
  for (let late = checkout.unclaimedPayment(); late; late = checkout.unclaimedPayment()) {
    checkout.paymentGivenBack();
    await steps.refundLatePayment({
      intentId: late.intentId,
      checkoutId: checkout.input.checkoutId,
      reason: `payment arrived while the checkout was ${checkout.state.status.toLowerCase()}`,
    });
  }
  return checkout.state;
}
