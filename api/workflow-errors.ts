import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCodes, type ErrorCode } from '../core/errors.js';

const isErrorCode = (s: unknown): s is ErrorCode => typeof s === 'string' && (ErrorCodes as readonly string[]).includes(s);

/** Rebuilds the domain error a workflow update or workflow failed with; anything else is rethrown. */
export function appErrorFromWorkflow(e: unknown): AppError {
  const cause = e instanceof WorkflowUpdateFailedError || e instanceof WorkflowFailedError ? e.cause : e;
  if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
    const details = (cause.details?.[0] ?? undefined) as Record<string, unknown> | undefined;
    return new AppError(cause.type, cause.message, details && Object.keys(details).length > 0 ? details : undefined);
  }
  throw e;
}
