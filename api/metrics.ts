import type { Context, Next } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Per-process Prometheus registry for the API: request counts and latency by route and status. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'marquee_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'marquee_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const dbPool = new Gauge({
    name: 'marquee_db_pool_connections',
    help: 'MySQL pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const sockets = new Gauge({
    name: 'marquee_socket_connections',
    help: 'Socket.IO connections open on this node',
    registers: [registry],
  });

  const middleware = async (ctx: Context, next: Next): Promise<void> => {
    const end = latency.startTimer();
    try {
      await next();
    } finally {
      // The matched route pattern, not the raw path, keeps label cardinality bounded.
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const labels = { method: ctx.method, route: String(route), status: String(ctx.status) };
      requests.inc(labels);
      end(labels);
    }
  };
  return { registry, middleware, dbPool, sockets };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
