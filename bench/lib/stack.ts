import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../core/config.js';
import { createDataSource } from '../../db/data-source.js';
import { privateStack, type PrivateStack } from '../../test/support/stack.js';
import { findPid } from './processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Marquee stack a benchmark measures. Two ways to get one:
 * - BASE_URL (or BASE_URLS, comma-separated, one per API node) set: a stack
 *   that is already running, described by the same variables `scripts/stack`
 *   reads (defaults from .env.example; STACK_DIR for its pid files). This is
 *   how `npm run bench` shares one stack between the benchmarks.
 * - otherwise: a private `scripts/stack up` of its own (own STACK_DIR, ports,
 *   database, Redis prefix), stopped and deleted by close().
 */
export interface BenchStack {
  mode: 'own' | 'attached';
  urls: string[];
  baseUrl: string;
  config: Config;
  /** The variables the stack runs with, for child processes that attach to it. */
  env: Record<string, string>;
  /** A small pool on the stack's database: fixtures and checks. */
  ds: DataSource;
  /** The pid `scripts/stack` recorded for each of its processes (temporal, worker, mail, api-N). */
  pids(): Record<string, number | undefined>;
  /** The private stack, when this one is ours (restart parts of it). */
  own?: PrivateStack;
  close(): Promise<void>;
}

/** .env.example as name → value (what `scripts/stack` falls back to). */
function envExample(): Record<string, string> {
  const lines = readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n');
  return Object.fromEntries(lines.map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l.trim())).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]));
}

function readPids(stackDir: string, apiNodes: number): Record<string, number | undefined> {
  const read = (name: string): number | undefined => {
    try {
      return Number(readFileSync(path.join(stackDir, 'pids', `${name}.pid`), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  // mail: the MailDev scripts/stack runs as the SMTP server; it parses and keeps every email, on the same cores.
  const names = ['temporal', 'worker', 'mail', ...Array.from({ length: apiNodes }, (_, i) => `api-${i + 1}`)];
  return Object.fromEntries(names.map((n) => [n, read(n)]));
}

/**
 * The load generators reuse a few accounts for thousands of unpaid holds; the
 * per-account limits (MAX_OPEN_CHECKOUTS_*) would refuse them. An attached
 * stack needs the same settings.
 */
export const UNLIMITED_OPEN_CHECKOUTS = { MAX_OPEN_CHECKOUTS_PER_USER: '1000000', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '1000000' };

/**
 * Every benchmark stack: the benchmarks hold scattered single seats and random
 * pairs, which the single-seat rule would refuse (a seat policy, tested on its
 * own), with the per-account limits lifted as above.
 */
export const BENCH_STACK_ENV = { SINGLE_SEAT_RULE: 'off', ...UNLIMITED_OPEN_CHECKOUTS };

/** `own`: always a private stack (a benchmark that restarts parts of it or needs its own settings). */
export async function openStack(o: { name: string; apiNodes?: number; env?: Record<string, string>; own?: boolean }): Promise<BenchStack> {
  const given = (process.env.BASE_URLS ?? process.env.BASE_URL)?.split(',').map((u) => u.trim().replace(/\/$/, '')).filter(Boolean);
  if (given?.length && !o.own) {
    const env = { ...envExample(), ...(process.env as Record<string, string>) };
    const config = loadConfig(env);
    const ds = createDataSource({ url: config.DATABASE_URL, poolSize: 8 });
    await ds.initialize();
    const stackDir = path.resolve(env.STACK_DIR ?? path.join(ROOT, '.stack'));
    return {
      mode: 'attached',
      urls: given,
      baseUrl: given[0]!,
      config,
      env,
      ds,
      pids: () => readPids(stackDir, given.length),
      close: () => ds.destroy(),
    };
  }
  // The benchmarks hold seats wherever their load puts them, as often as it does: they measure the checkout path,
  // not the single-seat rule or the open-checkout limits.
  const own = await privateStack({ name: o.name, apiNodes: o.apiNodes, env: { ...BENCH_STACK_ENV, ...o.env } });
  try {
    await own.up();
    const config = loadConfig(own.env);
    const ds = createDataSource({ url: config.DATABASE_URL, poolSize: 8 });
    await ds.initialize();
    return {
      mode: 'own',
      urls: own.urls,
      baseUrl: own.urls[0]!,
      config,
      env: own.env,
      ds,
      own,
      pids: () => readPids(own.stackDir, own.urls.length),
      async close() {
        await ds.destroy();
        await own.destroy();
      },
    };
  } catch (e) {
    await own.destroy();
    throw e;
  }
}

/** The processes whose CPU explains a figure: the stack's own, the shared MariaDB and Redis, and this benchmark. */
export const measuredProcesses = (stack: BenchStack, extra: Record<string, number | undefined> = {}): Record<string, number | undefined> => ({
  ...stack.pids(),
  mariadb: findPid('mariadbd'),
  redis: findPid('redis-server'),
  bench: process.pid,
  ...extra,
});
