import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { SeatEventPublisher } from '../live/publisher.js';
import type { PaymentProvider } from '../payments/provider.js';

/** Everything a request handler may touch, built once per process in api/main.ts (or by a test). */
export interface AppDeps {
  config: Config;
  ds: DataSource;
  redis: Redis;
  temporal: Client;
  payments: PaymentProvider;
  /** Seat-map changes made by admin edits reach watchers through it, as the worker's do. */
  publisher: SeatEventPublisher;
  clock: Clock;
  log: Logger;
}
