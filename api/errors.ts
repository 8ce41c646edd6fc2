import type { Context, Next } from 'koa';
import { ZodError } from 'zod';
import { AppError, httpStatusOf, type ErrorCode } from '../core/errors.js';
import { appErrorFrom } from '../core/failures.js';
import type { Logger } from '../core/logger.js';
import { isDatabaseUnreachable } from '../db/sql.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/**
 * The largest request body accepted, JSON or not: 1 MB. The largest body the
 * API takes by design is a payment provider's webhook event (tens of kB,
 * outside our control, so with room to spare); every other body is a small
 * form. A body is held whole in memory before it is parsed, so this also
 * bounds what each request in flight can cost.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export const payloadTooLarge = (): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`, { limitBytes: MAX_BODY_BYTES });

export const zodIssuesAsDetails = (e: ZodError, where: string): Record<string, unknown> => ({
  in: where,
  issues: e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
});

/** Any error as the domain error the client is answered with; a domain error inside a Temporal failure counts as itself. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const carried = appErrorFrom(e);
  if (carried) return carried;
  if (e instanceof ZodError) return new AppError('VALIDATION_FAILED', 'Request is invalid', zodIssuesAsDetails(e, 'request'));
  const status = (e as { status?: number; expose?: boolean }).status;
  // koa-body throws http-errors: 413 for a body over the limit (api/app.ts), 400 for one it cannot parse.
  if (status === 413) return payloadTooLarge();
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('VALIDATION_FAILED', (e as Error).message || 'Bad request');
  }
  // A database restart or failover is an outage the client may retry, not a bug (found by the chaos soak).
  if (isDatabaseUnreachable(e)) return new AppError('SERVICE_UNAVAILABLE', 'The database is unreachable; try again shortly');
  return new AppError('INTERNAL', 'Internal server error');
}

export function errorMiddleware(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.body === undefined && (ctx.status === 404 || ctx.status === 405)) {
        const code = ctx.status === 404 ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED';
        throw new AppError(code, `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (e) {
      const err = toAppError(e);
      ctx.status = httpStatusOf(err.code);
      if (err.code === 'INTERNAL') (ctx.state.log as Logger | undefined ?? log).error({ err: e }, 'unhandled error');
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.details) body.error.details = err.details;
      ctx.body = body;
    }
  };
}
