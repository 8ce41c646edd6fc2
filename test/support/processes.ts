import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../core/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** The environment a real process gets from a test Config. */
function serviceEnv(config: Config): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    TASK_QUEUE: config.TASK_QUEUE,
    HOLD_TTL_SECONDS: String(config.HOLD_TTL_SECONDS),
    SINGLE_SEAT_RULE: config.SINGLE_SEAT_RULE,
    JWT_SECRET: config.JWT_SECRET,
    TICKET_SECRET: config.TICKET_SECRET,
    SMTP_URL: config.SMTP_URL,
    MAIL_SEND_TIMEOUT_SECONDS: String(config.MAIL_SEND_TIMEOUT_SECONDS),
    LOG_LEVEL: 'info',
  };
}

/**
 * A real entry point (api/main.ts, worker/main.ts) as a child process,
 * returned once `ready(output)` holds.
 */
export async function spawnService(entry: string, env: Record<string, string>, ready: (out: string) => boolean | Promise<boolean>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!(await ready(out))) {
    if (gone) throw new Error(`${entry} exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not ready after 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => out,
    exited,
    async kill(signal) {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

export async function spawnWorker(config: Config, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return spawnService('worker/main.ts', { ...serviceEnv(config), WORKER_METRICS_PORT: String(await freePort()), ...env }, (out) =>
    out.includes('"msg":"worker running"'),
  );
}

export async function spawnApi(config: Config, env: Record<string, string> = {}): Promise<ServiceProcess & { baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const proc = await spawnService('api/main.ts', { ...serviceEnv(config), PORT: String(port), ...env }, async () => {
    try {
      return (await fetch(`${baseUrl}/healthz`)).ok;
    } catch {
      return false;
    }
  });
  return { ...proc, baseUrl };
}

/** The process exists (signal 0 reaches it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the process is gone, or false after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs = 15_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}
