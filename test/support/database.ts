import type { DataSource } from 'typeorm';
import { createDataSource, databaseName, ensureDatabase, withServerConnection } from '../../db/data-source.js';
import { testEnv } from './env.js';

export interface TestDatabase {
  url: string;
  ds: DataSource;
  drop(): Promise<void>;
}

/** A fresh database for one suite, built by the real migrations (never synchronize). */
export async function freshDatabase(suite: string, { migrate = true } = {}): Promise<TestDatabase> {
  const name = `${testEnv.dbPrefix}_${suite}`.replace(/[^A-Za-z0-9_]/g, '_');
  const url = `${testEnv.mysqlUrl}/${name}`;
  await dropDatabase(url);
  await ensureDatabase(url);
  const ds = createDataSource({ url, poolSize: 30 });
  await ds.initialize();
  if (migrate) {
    await ds.runMigrations();
    // Suites share one Temporal server but not one database: ids derived from user ids (Idempotency-Key
    // checkouts) must not collide with a workflow a previous run left on that server.
    await ds.query(`ALTER TABLE users AUTO_INCREMENT = ${1_000_000 + Math.floor(Math.random() * 1_000_000_000)}`);
  }
  return {
    url,
    ds,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await dropDatabase(url);
    },
  };
}

async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withServerConnection(url, (server) => server.query(`DROP DATABASE IF EXISTS \`${name}\``));
}
