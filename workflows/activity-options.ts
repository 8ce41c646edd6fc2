import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { NonRetryableCodes } from '../core/errors.js';

/**
 * Timeouts and retries per kind of step (also in docs/checkout.md). A failure
 * whose code is an answer (core/errors: every code but the outages) ends the
 * step at once; outages and lost connections are retried.
 * - hold: local activities (no extra server round trip, the POST waits on
 *   them); short attempts, quick retries, within a budget of 20 s for all
 *   attempts (`HOLD_BUDGET`). The activity side ends the retries when the
 *   rest of the budget could not hold another attempt (activities/failures.ts),
 *   after which the checkout fails cleanly.
 * - seats (confirm): an ordinary activity, 10 s attempts, retried with
 *   backoff until it succeeds or fails with a domain failure.
 * - compensation: must eventually succeed (money and seats depend on it), so
 *   it retries forever with backoff capped at one minute.
 * `seatsLocal` and `compensationLocal` are the same steps as local activities
 * (run in the workflow's own task, no server round trip per step), which
 * checkouts started since release 2 use. A local attempt whose backoff
 * exceeds `localRetryThreshold` waits on a durable timer instead.
 */
export const HOLD_BUDGET = '20s';

export const activityOptions = {
  hold: {
    startToCloseTimeout: '5s',
    scheduleToCloseTimeout: HOLD_BUDGET,
    localRetryThreshold: '5s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '4s', nonRetryableErrorTypes: NonRetryableCodes },
  },
  seats: {
    startToCloseTimeout: '10s',
    retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NonRetryableCodes },
  },
  compensation: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NonRetryableCodes },
  },
  seatsLocal: {
    startToCloseTimeout: '10s',
    localRetryThreshold: '5s',
    retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NonRetryableCodes },
  },
  compensationLocal: {
    startToCloseTimeout: '15s',
    localRetryThreshold: '5s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NonRetryableCodes },
  },
  /** The waitlist's offer and closing steps: ordinary activities, retried until they succeed (the line waits). */
  waitlist: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NonRetryableCodes },
  },
  /** Telling a buyer of an offer: retried while the offer cannot be paid yet or the mail server is away. */
  announce: {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: NonRetryableCodes },
  },
} satisfies Record<string, ActivityOptions | LocalActivityOptions>;
