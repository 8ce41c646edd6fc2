import { ApplicationFailure } from '@temporalio/common';
import { AppError, isErrorCode } from './errors.js';

/**
 * Domain errors across Temporal, both ways. A domain error crosses as an
 * ApplicationFailure whose `type` is its code and whose first detail is its
 * details; whoever catches the failure (the workflow, then the API behind an
 * update or a result) rebuilds the same AppError from it. Deterministic: the
 * workflow bundle imports this too.
 */
export function toFailure(e: AppError): ApplicationFailure {
  const details = e.details ?? {};
  return e.retryable ? ApplicationFailure.retryable(e.message, e.code, details) : ApplicationFailure.nonRetryable(e.message, e.code, details);
}

/** The domain error carried anywhere in a failure's cause chain (activity → workflow → update or result error). */
export function appErrorFrom(e: unknown): AppError | undefined {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
      const details = cause.details?.[0] as Record<string, unknown> | undefined;
      return new AppError(cause.type, cause.message, details && Object.keys(details).length > 0 ? details : undefined, {
        retryable: !cause.nonRetryable,
      });
    }
  }
  return undefined;
}
