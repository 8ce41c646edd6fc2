import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { AppDeps } from '../../api/deps.js';
import { createPaymentProvider } from '../../payments/index.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createRedis } from '../../clients/redis.js';
import { connectTemporalClient } from '../../clients/temporal.js';
import { createSeatEventPublisher } from '../../live/publisher.js';
import { testConfig } from './config.js';
import { freshDatabase, type TestDatabase } from './database.js';

export interface TestDeps extends AppDeps {
  db: TestDatabase;
  /** Releases everything this set of deps opened. */
  close(): Promise<void>;
}

/**
 * Real MySQL (a fresh database), real Redis and a real Temporal client, wired
 * as api/main.ts wires them. Each suite gets its own task queue so workers of
 * different suites never steal each other's tasks.
 */
export async function createTestDeps(
  suite: string,
  opts: { config?: Record<string, string>; clock?: Clock } = {},
): Promise<TestDeps> {
  const db = await freshDatabase(suite);
  const config: Config = testConfig({
    DATABASE_URL: db.url,
    TASK_QUEUE: `test-${suite}-${randomUUID().slice(0, 8)}`,
    ...opts.config,
  });
  const clock = opts.clock ?? systemClock;
  const log = createLogger(config.LOG_LEVEL, { suite });
  const redis: Redis = createRedis(config.REDIS_URL, `test-${suite}`, log);
  const temporal: Client = await connectTemporalClient(config);
  const publisher = createSeatEventPublisher(config.REDIS_URL, config.REDIS_PREFIX, log);
  return {
    config,
    ds: db.ds,
    db,
    redis,
    temporal,
    payments: createPaymentProvider(config, db.ds, clock),
    publisher,
    clock,
    log,
    async close() {
      await temporal.connection.close();
      redis.disconnect();
      await publisher.close();
      await db.drop();
    },
  };
}
