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

/**
 * The statements other connections are executing in this pool's database
 * right now, as sent. Those that stay there while a test holds the rows they
 * lock are waiting on that lock: the sign that a transaction has started and is
 * blocked. (PROCESSLIST, not INNODB_TRX: MariaDB can wait for a row lock while
 * still planning the statement, before InnoDB lists the transaction.)
 */
export async function statementsInProgress(ds: DataSource): Promise<string[]> {
  const rows: { info: string | null }[] = await ds.query(
    "SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID()",
  );
  return rows.map((r) => r.info ?? '');
}
