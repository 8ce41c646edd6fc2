import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../core/logger.js';

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** A request id on every response and every log line of the request (taken from X-Request-Id when sane). */
export function requestContext(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    const reqLog = log.child({ requestId });
    ctx.state.requestId = requestId;
    ctx.state.log = reqLog;
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const fields = { method: ctx.method, path: ctx.path, status: ctx.status, ms };
      if (ctx.status >= 500) reqLog.error(fields, 'request failed');
      else reqLog.debug(fields, 'request');
    }
  };
}
