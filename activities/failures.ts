import { Context } from '@temporalio/activity';
import { AppError } from '../core/errors.js';
import { toFailure } from '../core/failures.js';

/**
 * How long a step may keep trying, and what it fails with, in one place.
 *
 * Domain errors become Temporal failures of their code (core/failures.ts).
 * A step's schedule-to-close timeout is its budget for all attempts: when an
 * attempt fails with a passing condition (an outage, a lost connection) and
 * the rest of the budget could not hold another whole attempt, the failure is
 * made final instead. The SDK does not stop on its own a local activity whose
 * attempts fail fast once its schedule-to-close has passed, so without this a
 * hold during a provider outage would never answer.
 */
export function activityFailure(e: unknown, now = Date.now()): unknown {
  const err = e instanceof AppError ? e : undefined;
  const passing = err ? err.retryable : true;
  if (passing && budgetSpent(now)) {
    const code = err?.code ?? 'SERVICE_UNAVAILABLE';
    const message = `${(e as Error).message ?? String(e)} (giving up: the step's time budget is spent)`;
    return toFailure(new AppError(code, message, err?.details, { retryable: false }));
  }
  return err ? toFailure(err) : e;
}

/** When the running step was first scheduled (its first attempt); `fallback` outside an activity (a test calling it directly). */
export function stepScheduledAt(fallback: number): number {
  try {
    return Context.current().info.scheduledTimestampMs;
  } catch {
    return fallback;
  }
}

function budgetSpent(now: number): boolean {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return false; // not in an activity (a test calling the function directly)
  }
  if (!info.scheduleToCloseTimeoutMs) return false;
  const left = info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs - now;
  return left < info.startToCloseTimeoutMs;
}

/** Wraps every activity so what it throws leaves as the right failure. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        throw activityFailure(e);
      }
    };
  }
  return wrapped as T;
}
