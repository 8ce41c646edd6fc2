import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';
import { isDatabaseUnreachable } from './sql.js';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  logging?: boolean;
}

/** The one place a TypeORM DataSource is built. Times are UTC end to end. */
export function createDataSource({ url, poolSize = 20, logging = false }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'utf8mb4_unicode_ci',
    poolSize,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging,
  });
}

/** How long the API and the worker wait for the database at start before they give up (and their supervisor restarts them). */
export const DATABASE_STARTUP_WAIT_MS = 60_000;

/**
 * Opens the pool, waiting up to `waitMs` while the database cannot be reached:
 * a process started during a MySQL restart or failover, or before MySQL in a
 * fresh stack, comes up once MySQL does instead of exiting. Any other failure
 * (credentials, an unknown database) ends it at once; so does the wait running out.
 */
export async function initializeWhenReachable(ds: DataSource, o: { waitMs: number; onWait: (e: Error, attempt: number) => void }): Promise<void> {
  const deadline = Date.now() + o.waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await ds.initialize();
      return;
    } catch (e) {
      if (!isDatabaseUnreachable(e) || Date.now() >= deadline) throw e;
      o.onWait(e as Error, attempt);
      await sleep(Math.min(2_000, 100 * 2 ** attempt, Math.max(0, deadline - Date.now())));
    }
  }
}

/** Runs `fn` on a connection to the server of a mysql:// URL, outside any database. */
export async function withServerConnection<T>(url: string, fn: (server: DataSource) => Promise<T>): Promise<T> {
  const parsed = new URL(url);
  parsed.pathname = '/';
  const server = new DataSource({ type: 'mysql', url: parsed.toString(), poolSize: 1 });
  await server.initialize();
  try {
    return await fn(server);
  } finally {
    await server.destroy();
  }
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL names an unusable database "${name}"`);
  return name;
}

/** Creates the database named in a mysql:// URL if it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withServerConnection(url, (server) =>
    server.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
  );
}
