import { ApplicationFailure } from '@temporalio/common';
import { AppError, type ErrorDetails } from '../core/errors.js';
import { PaymentProviderError } from '../payments/provider.js';

/**
 * Domain errors cross into Temporal as non-retryable ApplicationFailures whose
 * `type` is the error code and whose first detail is the error's details, so
 * the workflow and then the API can rebuild the same AppError.
 */
export function toActivityFailure(e: unknown): unknown {
  if (e instanceof AppError) return ApplicationFailure.nonRetryable(e.message, e.code, e.details ?? {});
  if (e instanceof PaymentProviderError) {
    return e.retryable
      ? ApplicationFailure.retryable(e.message, e.code)
      : ApplicationFailure.nonRetryable(e.message, e.code, {});
  }
  return e;
}

/** Wraps every activity so thrown domain errors become the right failure type. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        throw toActivityFailure(e);
      }
    };
  }
  return wrapped as T;
}

export const seatsNotHeld = (message: string, details: ErrorDetails): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, 'SEATS_NOT_HELD', details);
