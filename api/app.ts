import Koa from 'koa';
import Router from '@koa/router';
import { HttpMethodEnum, koaBody } from 'koa-body';
import { AppError } from '../core/errors.js';
import type { AppDeps } from './deps.js';
import { MAX_BODY_BYTES, errorMiddleware, payloadTooLarge } from './errors.js';
import { createApiMetrics, type ApiMetrics } from './metrics.js';
import { requestContext } from './request-context.js';
import { mountRoutes } from './route.js';
import { buildOpenApiDocument, createOpenApiRegistry } from './openapi.js';
import { mountDocs } from './docs.js';
import { mountOpsRoutes } from './routes/ops.js';
import { apiRoutes } from './routes/index.js';
import { mountWebApp } from './web.js';
import { securityHeaders } from './security-headers.js';

export const API_PREFIX = '/api/v1';

export interface App {
  koa: Koa;
  metrics: ApiMetrics;
  openApiDocument: () => object;
}

export function createApp(deps: AppDeps, metrics: ApiMetrics = createApiMetrics()): App {
  // X-Forwarded-For counts only for the TRUST_PROXY proxies nearest the API, each of which appends the address it saw.
  const koa = new Koa({ proxy: deps.config.TRUST_PROXY > 0, maxIpsCount: deps.config.TRUST_PROXY });
  const registry = createOpenApiRegistry();

  const api = new Router({ prefix: API_PREFIX });
  mountRoutes(api, registry, deps, apiRoutes, API_PREFIX);

  let document: object | undefined;
  const openApiDocument = (): object => (document ??= buildOpenApiDocument(registry));

  const root = new Router();
  mountOpsRoutes(root, deps, metrics);
  mountDocs(root, openApiDocument);
  mountWebApp(root);

  koa.use(securityHeaders(deps.config));
  koa.use(requestContext(deps.log));
  koa.use(metrics.middleware);
  koa.use(errorMiddleware(deps.log));
  // A declared length over the limit is refused before anything is read, whatever the type;
  // koa-body's limit catches a chunked JSON body as it streams in.
  koa.use((ctx, next) => {
    if ((ctx.request.length ?? 0) > MAX_BODY_BYTES) throw payloadTooLarge();
    return next();
  });
  koa.use(
    koaBody({
      jsonLimit: MAX_BODY_BYTES,
      // Webhook signatures are computed over the exact bytes received.
      includeUnparsed: true,
      multipart: false,
      urlencoded: false,
      text: false,
      parsedMethods: [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH, HttpMethodEnum.DELETE],
    }),
  );
  // Unknown or unsupported methods answer 405 in the documented error shape, not the router's plain text.
  const methods = {
    throw: true,
    methodNotAllowed: () => new AppError('METHOD_NOT_ALLOWED', 'Method not allowed on this path'),
    notImplemented: () => new AppError('METHOD_NOT_ALLOWED', 'Method not supported'),
  };
  koa.use(root.routes()).use(root.allowedMethods(methods));
  koa.use(api.routes()).use(api.allowedMethods(methods));
  return { koa, metrics, openApiDocument };
}
