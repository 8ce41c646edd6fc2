import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { PaymentProvider } from '../payments/provider.js';
import type { SeatEventPublisher } from '../live/publisher.js';
import type { OpenCheckoutLimits } from '../db/bookings.js';

/** What activities touch; the worker builds it from config, tests build it by hand. */
export interface ActivityDeps {
  ds: DataSource;
  payments: PaymentProvider;
  publisher: SeatEventPublisher;
  clock: Clock;
  log: Logger;
  settings: {
    holdTtlSeconds: number;
    maxSeatsPerCheckout: number;
    openCheckoutLimits: OpenCheckoutLimits;
  };
}
