import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { AuditLog1764200000000 } from './1764200000000-audit-log.js';
import { TokenVersion1764300000000 } from './1764300000000-token-version.js';
import { Tickets1764400000000 } from './1764400000000-tickets.js';
import { TicketTypesAndPromoCodes1764500000000 } from './1764500000000-ticket-types-and-promo-codes.js';
import { Waitlist1764600000000 } from './1764600000000-waitlist.js';
import { LedgerPaymentIntents1764700000000 } from './1764700000000-ledger-payment-intents.js';

/** Listed explicitly (no globs) so the same list works from TypeScript sources and from dist/. */
export const migrations = [
  InitialSchema1764100000000,
  AuditLog1764200000000,
  TokenVersion1764300000000,
  Tickets1764400000000,
  TicketTypesAndPromoCodes1764500000000,
  Waitlist1764600000000,
  LedgerPaymentIntents1764700000000,
];
