import type Router from '@koa/router';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError } from '../core/errors.js';
import { zodIssuesAsDetails } from './errors.js';
import { ErrorResponse } from './schemas/common.js';
import type { Role } from '../core/domain.js';
import { authenticate, type AuthUser } from './auth.js';
import { OPENAPI_LINKS, operationIdOf } from './openapi-links.js';
import type { AppDeps } from './deps.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.output<S> : undefined;

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteInput<P, Q, B, A> {
  params: P;
  query: Q;
  body: B;
  user: A;
  ctx: Context;
}

/**
 * One endpoint: its validation schemas are also its OpenAPI description, so
 * the document at /api/v1/openapi.json cannot drift from what is enforced.
 */
export interface RouteSpec<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  Auth extends Role | undefined = undefined,
> {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  auth?: Auth;
  params?: P;
  query?: Q;
  body?: B;
  headers?: Schema;
  /**
   * Statuses the endpoint may answer besides the generic error ones. A body
   * that is not JSON (an image, a PDF) names its `contentType`; the handler
   * answers it with that Content-Type header and a string or Buffer body.
   * `csv`: a JSON answer that also comes as text/csv (api/csv.ts).
   */
  responses: Record<number, { description: string; schema?: Schema; contentType?: string; csv?: boolean }>;
  handler: (
    input: RouteInput<Infer<P>, Infer<Q>, Infer<B>, Auth extends undefined ? AuthUser | undefined : AuthUser>,
    deps: AppDeps,
  ) => Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any, any>;

export const route = <
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  Auth extends Role | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B, Auth>,
): AnyRouteSpec => spec;

function parse(schema: Schema | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('VALIDATION_FAILED', `Invalid ${where}`, zodIssuesAsDetails(r.error, where));
  return r.data;
}

const openApiPath = (p: string): string => p.replace(/:(\w+)/g, '{$1}');

export function mountRoutes(router: Router, registry: OpenAPIRegistry, deps: AppDeps, specs: AnyRouteSpec[], prefix: string): void {
  for (const spec of specs) {
    registerOpenApi(registry, spec, prefix);
    router[spec.method](spec.path, async (ctx: Context) => {
      const user = spec.auth ? await authenticate(ctx, deps, spec.auth) : await authenticate(ctx, deps, 'optional');
      const input = {
        params: parse(spec.params, ctx.params, 'path'),
        query: parse(spec.query, ctx.query, 'query'),
        body: parse(spec.body, ctx.request.body ?? {}, 'body'),
        user,
        ctx,
      };
      const reply = await spec.handler(input as never, deps);
      for (const [k, v] of Object.entries(reply.headers ?? {})) ctx.set(k, v);
      ctx.status = reply.status ?? 200;
      if (reply.body !== undefined) ctx.body = reply.body;
    });
  }
}

function registerOpenApi(registry: OpenAPIRegistry, spec: AnyRouteSpec, prefix: string): void {
  const operationId = operationIdOf(spec.method, spec.path);
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const links = OPENAPI_LINKS[operationId]?.[Number(status)];
    const csv = r.csv ? { 'text/csv': { schema: { type: 'string' as const, description: 'A header line, then one line per row' } } } : {};
    const content = r.contentType
      ? { [r.contentType]: { schema: { type: 'string' as const, format: 'binary' } } }
      : r.schema
        ? { 'application/json': { schema: r.schema }, ...csv }
        : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}), ...(links ? { links } : {}) };
  }
  const errors: Record<number, string> = { 400: 'Invalid request', 500: 'Internal error' };
  if (spec.auth) errors[401] = 'Missing or invalid token';
  if (spec.auth === 'admin' || spec.auth === 'staff') errors[403] = `${spec.auth === 'admin' ? 'Admin' : 'Staff'} role required`;
  if (spec.params) errors[404] = 'Not found';
  for (const [status, description] of Object.entries(errors)) {
    responses[status] ??= { description, content: { 'application/json': { schema: ErrorResponse } } };
  }
  const request: RouteConfig['request'] = {};
  if (spec.params) request.params = spec.params as never;
  if (spec.query) request.query = spec.query as never;
  if (spec.headers) request.headers = spec.headers as never;
  if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
  registry.registerPath({
    method: spec.method,
    path: openApiPath(prefix + spec.path),
    operationId,
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.auth ? { security: [{ bearerAuth: [] }] } : {}),
    request,
    responses,
  });
}
