import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { FailureTypes } from './contracts.js';

const domainFailures = [
  FailureTypes.seatsUnavailable,
  FailureTypes.notFound,
  FailureTypes.unprocessable,
  FailureTypes.seatsNotHeld,
  'PAYMENT_DECLINED',
];

/**
 * Timeouts and retries per kind of step (also in docs/checkout.md):
 * - hold: local activities (no extra server round trip, the POST waits on
 *   them); short attempts, quick retries of transient errors (deadlock, lost
 *   connection, provider blip), at most 10 attempts (≈ 20 s of backoff), after
 *   which the checkout fails cleanly. The attempt cap is what bounds it: the
 *   SDK keeps retrying a local activity whose attempts fail instantly past its
 *   schedule-to-close timeout.
 * - seats (confirm): an ordinary activity, 10 s attempts, retried with
 *   backoff until it succeeds or fails with a domain failure.
 * - compensation: must eventually succeed (money and seats depend on it), so
 *   it retries forever with backoff capped at one minute.
 */
export const activityOptions = {
  hold: {
    startToCloseTimeout: '5s',
    scheduleToCloseTimeout: '20s',
    localRetryThreshold: '5s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '4s', maximumAttempts: 10, nonRetryableErrorTypes: domainFailures },
  },
  seats: {
    startToCloseTimeout: '10s',
    retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: domainFailures },
  },
  compensation: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [FailureTypes.notFound] },
  },
} satisfies Record<string, ActivityOptions | LocalActivityOptions>;
