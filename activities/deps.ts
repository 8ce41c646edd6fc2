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
  waitlist: WaitlistBell;
  settings: ActivitySettings;
}

/** The settings the steps read, straight from the validated configuration. */
export type ActivitySettings = Pick<
  Config,
  | 'HOLD_TTL_SECONDS'
  | 'MAX_SEATS_PER_CHECKOUT'
  | 'HOLD_EXTENSION_SECONDS'
  | 'SINGLE_SEAT_RULE'
  | 'COMPANION_RELEASE_MINUTES'
  | 'TICKET_SECRET'
  | 'MAIL_FROM'
  | 'CINEMA_TIME_ZONE'
  | 'MAIL_SEND_TIMEOUT_SECONDS'
  | 'MAX_OPEN_CHECKOUTS_PER_USER'
  | 'MAX_OPEN_CHECKOUTS_PER_SHOWTIME'
  | 'PUBLIC_URL'
  | 'WAITLIST_OFFER_SECONDS'
  | 'WAITLIST_GRACE_SECONDS'
>;

/**
 * Tells a showtime's waitlist that seats came back to it (worker/waitlist-bell.ts
 * signals its workflow, if one runs). Never fails its caller: a ring that is
 * lost is made up by the waitlist's own periodic look.
 */
export interface WaitlistBell {
  ring(showtimeId: number): Promise<void>;
}
