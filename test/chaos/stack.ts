import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../core/config.js';
import { call } from '../../bench/lib/api.js';
import { startPrivateLocalstripe, stripeConfig, type PrivateLocalstripe } from '../support/localstripe.js';
import { startPrivateMariadb, type PrivateMariadb } from '../support/mariadb.js';
import { startPrivateRedis, type PrivateRedis } from '../support/live.js';
import { privateStack, type PrivateStack, type StackProcess } from '../support/stack.js';
import { startRelay, type Relay } from '../support/relay.js';

/**
 * The soak's private stack, all under one run directory: its own MariaDB and
 * Redis (data directories under it), localstripe behind a relay the faults can
 * take down, and `scripts/stack` with a file-backed Temporal, two workers and
 * two API nodes on them. Short holds, so expiries happen while it runs.
 */

/** The settings the stack runs with: short enough that holds, offers and extensions run out within a run. */
export const CHAOS_SETTINGS = {
  HOLD_TTL_SECONDS: 20,
  HOLD_EXTENSION_SECONDS: 15,
  WAITLIST_OFFER_SECONDS: 20,
  WAITLIST_GRACE_SECONDS: 5,
} as const;

export const WORKERS: StackProcess[] = ['worker', 'worker-2'];
export const API_NODES: StackProcess[] = ['api-1', 'api-2'];

export interface ChaosStack {
  dir: string;
  config: Config;
  /** API node base URLs, in API_NODES order. */
  urls: string[];
  mariadb: PrivateMariadb;
  redis: PrivateRedis;
  /** localstripe itself (the auditor reads it here); the stack reaches it through `relay`. */
  localstripe: PrivateLocalstripe;
  relay: Relay;
  app: PrivateStack;
  /** Where `scripts/stack` keeps a process's pid. */
  pidFile(name: StackProcess): string;
  /** The worker's metrics port (it is ready once it reports task slots for the queue). */
  workerMetricsUrl(name: StackProcess): string;
  close(opts: { keepData: boolean }): Promise<void>;
}

export async function startChaosStack(dir: string): Promise<ChaosStack> {
  mkdirSync(dir, { recursive: true });
  const mariadb = await startPrivateMariadb(path.join(dir, 'mariadb'));
  const redisDir = path.join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const redis = await startPrivateRedis({ dir: redisDir });
  const localstripe = await startPrivateLocalstripe();
  const relay = await startRelay(localstripe.port);
  const app = await privateStack({
    name: 'chaos',
    apiNodes: API_NODES.length,
    workers: WORKERS.length,
    stackDir: path.join(dir, 'stack'),
    env: {
      DATABASE_URL: `${mariadb.url}/marquee_chaos`,
      REDIS_URL: redis.url,
      ...stripeConfig(relay.url),
      ...Object.fromEntries(Object.entries(CHAOS_SETTINGS).map(([k, v]) => [k, String(v)])),
      // Tests that are not about the single-seat rule hold any seats (docs/seat-selection.md).
      SINGLE_SEAT_RULE: 'off',
    },
  });
  const stack: ChaosStack = {
    dir,
    config: loadConfig(app.env),
    urls: app.urls,
    mariadb,
    redis,
    localstripe,
    relay,
    app,
    pidFile: (name) => path.join(app.stackDir, 'pids', `${name}.pid`),
    workerMetricsUrl: (name) => `http://127.0.0.1:${Number(app.env.WORKER_METRICS_PORT) + WORKERS.indexOf(name)}/metrics`,
    async close({ keepData }) {
      await app.down().catch(() => undefined);
      await relay.close();
      await localstripe.stop();
      await redis.kill();
      await mariadb.stop();
      if (!keepData) {
        for (const sub of ['mariadb/data', 'redis', 'stack/temporal.db', 'stack/temporal.db-wal', 'stack/temporal.db-shm']) rmSync(path.join(dir, sub), { recursive: true, force: true });
      }
    },
  };
  try {
    await app.up();
  } catch (e) {
    await stack.close({ keepData: true });
    throw e;
  }
  return stack;
}

/** The API node answers /readyz (its MySQL, Redis and Temporal answer it). */
export const apiReady = async (url: string): Promise<boolean> => (await call(`${url}/readyz`, { timeoutMs: 3000 })).status === 200;

/** The API node's process serves HTTP. */
export const apiLive = async (url: string): Promise<boolean> => (await call(`${url}/healthz`, { timeoutMs: 3000 })).status === 200;

/** The worker polls its task queue (the SDK reports task slots for it). */
export async function workerReady(stack: ChaosStack, name: StackProcess): Promise<boolean> {
  const res = await call<string>(stack.workerMetricsUrl(name), { timeoutMs: 3000 });
  return res.status === 200 && typeof res.body === 'string' && res.body.includes(`task_queue="${stack.config.TASK_QUEUE}"`);
}
