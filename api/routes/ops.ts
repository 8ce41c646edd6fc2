import type Router from '@koa/router';
import { AppError } from '../../core/errors.js';
import { ping } from '../../db/sql.js';
import type { AppDeps } from '../deps.js';
import type { ApiMetrics } from '../metrics.js';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

/** Liveness, readiness (each dependency checked and named) and Prometheus metrics, outside /api/v1. */
export function mountOpsRoutes(router: Router, deps: AppDeps, metrics: ApiMetrics): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const checks: Record<string, () => Promise<unknown>> = {
      mysql: () => ping(deps.ds),
      redis: () => deps.redis.ping(),
      temporal: () => deps.temporal.workflowService.getSystemInfo({}),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const status = Object.fromEntries(results);
    const down = results.filter(([, s]) => s === 'down').map(([n]) => n);
    if (down.length > 0) {
      throw new AppError('SERVICE_UNAVAILABLE', `Not ready: ${down.join(', ')} unreachable`, { checks: status });
    }
    ctx.body = { status: 'ready', checks: status };
  });

  router.get('/metrics', async (ctx) => {
    const pool = (deps.ds.driver as unknown as { pool?: { _allConnections?: unknown[]; _freeConnections?: unknown[] } }).pool;
    if (pool?._allConnections && pool._freeConnections) {
      metrics.dbPool.set({ state: 'total' }, pool._allConnections.length);
      metrics.dbPool.set({ state: 'idle' }, pool._freeConnections.length);
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}
