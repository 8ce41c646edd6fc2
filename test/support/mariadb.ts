import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './processes.js';

/** A MariaDB server of its own: crash it and start it again on the same port and data directory. */
export interface PrivateMariadb {
  port: number;
  /** The server's URL (root, no password); append `/<database>`. */
  url: string;
  pid(): number | undefined;
  /** SIGKILL (a crash: InnoDB recovers at the next start) and wait until it is gone. */
  kill(): Promise<void>;
  /** Starts it on the same port and data directory and waits until it answers. */
  start(): Promise<void>;
  /** A clean shutdown (SIGTERM). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

async function answers(port: number): Promise<boolean> {
  try {
    const c = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
    await c.query('SELECT 1');
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * mariadbd on a free port with its data directory under `dir` (created by
 * mariadb-install-db on first use; root without a password, over TCP on
 * 127.0.0.1 only). For tests that crash the database; never the shared server.
 */
export async function startPrivateMariadb(dir: string): Promise<PrivateMariadb> {
  const port = await freePort();
  const datadir = path.join(dir, 'data');
  if (!existsSync(datadir)) {
    mkdirSync(dir, { recursive: true });
    const init = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${userInfo().username}`], {
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stdout}${init.stderr}`);
  }
  let proc: ChildProcess | undefined;
  const gone = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));
  const self: PrivateMariadb = {
    port,
    url: `mysql://root@127.0.0.1:${port}`,
    pid: () => proc?.pid,
    async start() {
      const p = spawn(
        '/usr/sbin/mariadbd',
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${path.join(dir, 'mysqld.sock')}`,
          `--pid-file=${path.join(dir, 'mysqld.pid')}`,
          `--log-error=${path.join(dir, 'error.log')}`,
          `--user=${userInfo().username}`,
          '--innodb-buffer-pool-size=64M',
          '--max-connections=400',
        ],
        { stdio: 'ignore' },
      );
      proc = p;
      running.add(p);
      p.once('exit', () => running.delete(p));
      const deadline = Date.now() + 60_000;
      while (!(await answers(port))) {
        if (p.exitCode !== null || Date.now() > deadline) throw new Error(`mariadbd did not start on port ${port} (see ${path.join(dir, 'error.log')})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill() {
      const p = proc;
      if (!p) return;
      p.kill('SIGKILL');
      await gone(p);
    },
    async stop() {
      const p = proc;
      if (!p) return;
      p.kill('SIGTERM');
      await gone(p);
    },
  };
  await self.start();
  return self;
}
