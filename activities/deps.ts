import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { PaymentProvider } from '../payments/provider.js';
import type { SeatEventPublisher } from '../live/publisher.js';
import type { Mailer } from '../mail/transport.js';

/** What activities touch; the worker builds it from config, tests build it by hand. */
export interface ActivityDeps {
  ds: DataSource;
  payments: PaymentProvider;
  publisher: SeatEventPublisher;
  clock: Clock;
  log: Logger;
  mailer: Mailer;
  settings: {
    holdTtlSeconds: number;
    maxSeatsPerCheckout: number;
    /** Signs the ticket codes the confirmation email carries. */
    ticketSecret: string;
    mail: { from: string; timeZone: string; timeoutMs: number };
  };
}

/** The activities' settings, from the process's config (the worker's, or a test's). */
export const activitySettings = (config: Config): ActivityDeps['settings'] => ({
  holdTtlSeconds: config.HOLD_TTL_SECONDS,
  maxSeatsPerCheckout: config.MAX_SEATS_PER_CHECKOUT,
  ticketSecret: config.TICKET_SECRET,
  mail: { from: config.MAIL_FROM, timeZone: config.CINEMA_TIME_ZONE, timeoutMs: config.MAIL_SEND_TIMEOUT_SECONDS * 1000 },
});
