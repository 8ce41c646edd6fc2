import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withServerConnection } from '../../db/data-source.js';
import { testEnv } from './env.js';
import { freePort } from './processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The processes `scripts/stack` starts, by the names of its pid files. */
export type StackProcess = 'temporal' | 'worker' | `worker-${number}` | `api-${number}`;

/**
 * A `scripts/stack` of its own: its own STACK_DIR (temporary), ports, database,
 * task queue and Redis prefix, so it never meets another stack or test run on
 * this machine. `up`/`down` run the real script; nothing is started until `up`.
 */
export interface PrivateStack {
  /** Everything `scripts/stack` is given (and the processes inherit); read at each up/down, so a change applies from the next `up` of a stopped process. */
  env: Record<string, string>;
  /** One base URL per API node. */
  urls: string[];
  stackDir: string;
  up(): Promise<void>;
  down(): Promise<void>;
  /** The pid `scripts/stack` recorded for a process, if its pid file exists. */
  pid(name: StackProcess): number | undefined;
  /** down, drop the database, delete STACK_DIR. */
  destroy(): Promise<void>;
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** A free port p with p+1 … p+n-1 free too (API node i listens on PORT+i-1, worker i's metrics on WORKER_METRICS_PORT+i-1). */
async function freePortRun(n: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    const rest = await Promise.all(Array.from({ length: n - 1 }, (_, i) => canListen(p + i + 1)));
    if (rest.every(Boolean)) return p;
  }
}

function runStack(command: 'up' | 'down', env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'scripts/stack'), [command], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/stack ${command} failed (${err.code ?? err.signal}):\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** `stackDir`: an empty directory of the caller's for STACK_DIR (default: a new temporary one). */
export async function privateStack(o: { name: string; apiNodes?: number; workers?: number; env?: Record<string, string>; stackDir?: string }): Promise<PrivateStack> {
  const apiNodes = o.apiNodes ?? 1;
  const workers = o.workers ?? 1;
  const tag = `${o.name}_${randomBytes(3).toString('hex')}`;
  const stackDir = o.stackDir ?? mkdtempSync(path.join(tmpdir(), `marquee-stack-${o.name}-`));
  const port = await freePortRun(apiNodes);
  const database = `${testEnv.dbPrefix}_stack_${tag}`.replace(/[^A-Za-z0-9_]/g, '_');
  const env: Record<string, string> = {
    // Only what a shell needs: the stack takes everything else from here or from .env.example.
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    STACK_DIR: stackDir,
    API_NODES: String(apiNodes),
    WORKERS: String(workers),
    PORT: String(port),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    // Worker i serves its metrics on WORKER_METRICS_PORT+i-1.
    WORKER_METRICS_PORT: String(await freePortRun(workers)),
    DATABASE_URL: `${testEnv.mysqlUrl}/${database}`,
    REDIS_URL: testEnv.redisUrl,
    REDIS_PREFIX: tag,
    TASK_QUEUE: `stack-${tag}`,
    JWT_SECRET: `stack-${tag}-${randomBytes(16).toString('hex')}`,
    TICKET_SECRET: `stack-tickets-${tag}-${randomBytes(16).toString('hex')}`,
    // The stack's own MailDev, on ports of its own.
    SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
    MAILDEV_WEB_PORT: String(await freePort()),
    ...o.env,
  };
  const pid = (name: StackProcess): number | undefined => {
    try {
      return Number(readFileSync(path.join(stackDir, 'pids', `${name}.pid`), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  const self: PrivateStack = {
    env,
    urls: Array.from({ length: apiNodes }, (_, i) => `http://127.0.0.1:${port + i}`),
    stackDir,
    pid,
    up: () => runStack('up', env),
    down: () => runStack('down', env),
    async destroy() {
      await self.down().catch(() => undefined);
      await withServerConnection(env.DATABASE_URL!, (s) => s.query(`DROP DATABASE IF EXISTS \`${database}\``));
      rmSync(stackDir, { recursive: true, force: true });
    },
  };
  return self;
}
