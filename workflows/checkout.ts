import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BookingStatus } from '../core/domain.js';
import {
  cancelSignal,
  CheckoutStatusKey,
  FailureTypes,
  holdUpdate,
  paymentFailedSignal,
  paymentSucceededSignal,
  statusQuery,
  type CheckoutInput,
  type CheckoutState,
  type HoldResult,
} from './contracts.js';
import { activityOptions } from './activity-options.js';

const holdSteps = proxyLocalActivities<Activities>(activityOptions.hold);
const seats = proxyActivities<Activities>(activityOptions.seats);
const compensation = proxyActivities<Activities>(activityOptions.compensation);

/** Failures with which the hold itself refused: nothing was written, nothing to release. */
const REFUSED_HOLD = new Set<string>([FailureTypes.seatsUnavailable, FailureTypes.notFound, FailureTypes.unprocessable]);

type HoldOutcome = { ok: true; result: HoldResult } | { ok: false; failure: ApplicationFailure };

/** The domain failure inside an activity failure, so the update can hand it to the API unchanged. */
function domainFailure(e: unknown): ApplicationFailure {
  const cause = e instanceof ActivityFailure ? e.cause : e;
  if (cause instanceof ApplicationFailure && cause.type) {
    return ApplicationFailure.nonRetryable(cause.message, cause.type, ...(cause.details ?? []));
  }
  return ApplicationFailure.nonRetryable('Seats could not be held, try again', FailureTypes.paymentProvider, {});
}

/**
 * One checkout: hold → wait for payment under the hold timer → confirm, or
 * compensate (cancel or refund the payment, release the seats). The `hold`
 * update answers the POST synchronously; everything after it is durable.
 */
export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutState> {
  const state: CheckoutState = {
    checkoutId: input.checkoutId,
    requestHash: input.requestHash,
    status: 'HOLDING',
    showtimeId: input.showtimeId,
    userId: input.userId,
    seats: [],
    amount: 0,
    currency: 'USD',
    expiresAt: null,
    payment: null,
    lastPaymentError: null,
    reason: null,
    holdFailure: null,
  };
  let hold: HoldOutcome | undefined;
  let paid: { intentId: string; amount: number } | undefined;
  let cancelReason: string | undefined;

  setHandler(statusQuery, () => state);
  setHandler(
    holdUpdate,
    async () => {
      await condition(() => hold !== undefined);
      if (!hold!.ok) throw hold!.failure;
      return hold!.result;
    },
    {
      validator: ({ requestHash }) => {
        if (requestHash !== input.requestHash) {
          throw ApplicationFailure.nonRetryable(
            'This Idempotency-Key was already used with a different request',
            FailureTypes.idempotencyKeyReused,
            {},
          );
        }
      },
    },
  );
  setHandler(paymentSucceededSignal, (p) => {
    paid ??= p;
  });
  setHandler(paymentFailedSignal, ({ reason }) => {
    state.lastPaymentError = reason;
  });
  setHandler(cancelSignal, ({ reason }) => {
    cancelReason ??= reason;
  });

  const transition = (status: BookingStatus, reason: string | null = state.reason): void => {
    state.status = status;
    state.reason = reason;
    upsertSearchAttributes([{ key: CheckoutStatusKey, value: status }]);
  };
  const refuse = (failure: ApplicationFailure): void => {
    hold = { ok: false, failure };
    const details = (failure.details?.[0] ?? {}) as Record<string, unknown>;
    state.holdFailure = { code: failure.type ?? FailureTypes.paymentProvider, message: failure.message, details };
  };
  // A success signal that lands while an unpaid checkout is closing is money without seats: refund it.
  const unclaimedPayment = (): string | undefined =>
    paid && state.status !== 'CONFIRMED' && !refundedLate ? paid.intentId : undefined;
  let refundedLate = false;
  const finish = async (): Promise<CheckoutState> => {
    await condition(allHandlersFinished);
    for (let intentId = unclaimedPayment(); intentId; intentId = unclaimedPayment()) {
      refundedLate = true;
      await compensation.refundLatePayment({ intentId, checkoutId: input.checkoutId, reason: `payment arrived while the checkout was ${state.status.toLowerCase()}` });
    }
    return state;
  };

  // 1. Hold the seats and create the payment intent (one local activity: the POST waits on it).
  let held;
  try {
    held = await holdSteps.reserveSeats({
      checkoutId: input.checkoutId,
      userId: input.userId,
      showtimeId: input.showtimeId,
      seatIds: input.seatIds,
      idempotencyKey: input.idempotencyKey,
    });
  } catch (e) {
    const failure = domainFailure(e);
    // A refused hold wrote nothing; anything else (the provider never answered) may have held seats.
    // Seats first, answer second: a client that retries at once must find them free.
    if (!REFUSED_HOLD.has(failure.type ?? '')) {
      await compensation.releaseSeats({ checkoutId: input.checkoutId, showtimeId: input.showtimeId, status: 'FAILED', reason: 'payment provider unavailable' });
    }
    refuse(failure);
    transition('FAILED', failure.message);
    return finish();
  }
  state.seats = held.seats;
  state.amount = held.amount;
  state.currency = held.currency;
  state.expiresAt = held.expiresAt;
  state.payment = held.payment;
  upsertMemo({ seats: held.seats.map((s) => s.label).join(' '), amount: held.amount, currency: held.currency });

  transition('AWAITING_PAYMENT');
  hold = {
    ok: true,
    result: {
      checkoutId: input.checkoutId,
      status: 'AWAITING_PAYMENT',
      showtimeId: input.showtimeId,
      seats: held.seats,
      amount: held.amount,
      currency: held.currency,
      expiresAt: held.expiresAt,
      payment: state.payment,
    },
  };
  const intentId = state.payment.intentId;

  // 3. Wait for the payment, a cancel, or the hold to run out.
  await condition(() => paid !== undefined || cancelReason !== undefined, held.holdTtlMs);

  if (!paid) {
    // The intent may have been paid in the same instant: then the money wins over a timeout, not over a cancel.
    const intentState = await compensation.cancelPaymentIntent({ intentId });
    if (intentState === 'succeeded' && cancelReason === undefined) paid = { intentId, amount: held.amount };
    else {
      if (intentState === 'succeeded') await compensation.refundPayment({ intentId });
      const status = cancelReason !== undefined ? 'CANCELLED' : 'EXPIRED';
      const reason = cancelReason ?? 'hold expired before payment';
      await compensation.releaseSeats({ checkoutId: input.checkoutId, showtimeId: input.showtimeId, status, reason });
      transition(status, reason);
      return finish();
    }
  }

  // 4. Confirm; a payment that does not match, or seats that are somehow no longer ours, are refunded.
  const refundAndFail = async (reason: string): Promise<CheckoutState> => {
    refundedLate = true;
    await compensation.refundPayment({ intentId: paid!.intentId });
    if (paid!.intentId !== intentId) await compensation.cancelPaymentIntent({ intentId });
    await compensation.releaseSeats({ checkoutId: input.checkoutId, showtimeId: input.showtimeId, status: 'FAILED', reason });
    transition('FAILED', reason);
    return finish();
  };
  if (paid.intentId !== intentId || paid.amount !== held.amount) return refundAndFail('payment did not match the checkout');
  try {
    await seats.confirmSeats({ checkoutId: input.checkoutId, showtimeId: input.showtimeId });
  } catch (e) {
    if (e instanceof ActivityFailure && e.cause instanceof ApplicationFailure && e.cause.type === FailureTypes.seatsNotHeld) {
      return refundAndFail('seats were no longer held');
    }
    throw e;
  }
  transition('CONFIRMED', null);
  await compensation.sendConfirmation({ checkoutId: input.checkoutId });
  return finish();
}
