import { ulid } from 'ulid';
import type { Clock } from '../core/clock.js';
import type { Sql } from '../db/sql.js';
import { LedgerProvider } from './ledger-provider.js';
import { unknownTestCard, type PaymentEventIn } from './provider.js';

export const MOCK_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
} as const;

/** The embedded default provider; its intents live in MySQL (db/payment-intents), ids `mpi_…`. */
export class MockProvider extends LedgerProvider {
  readonly name = 'mock' as const;

  constructor(sql: Sql, clock: Clock) {
    super(sql, clock, 'mpi_');
  }

  async payWithTestCard(intentId: string, card: string | undefined): Promise<PaymentEventIn> {
    const row = await this.find(intentId);
    if (card === MOCK_CARDS.declines) {
      const event = { type: 'payment_intent.payment_failed', intentId, reason: 'card_declined' };
      return {
        provider: this.name,
        intentId,
        checkoutId: row.checkoutId,
        amount: row.amount,
        eventId: `mock_evt_${ulid()}`,
        type: event.type,
        failureReason: 'card_declined',
        payload: JSON.stringify(event),
      };
    }
    if (card !== MOCK_CARDS.succeeds) throw unknownTestCard();
    return this.succeed(intentId);
  }
}
