import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Clock } from '../core/clock.js';
import * as intents from '../db/payment-intents.js';
import type { MockIntent, MockIntentStatus } from '../db/payment-intents.js';
import type { Sql } from '../db/sql.js';
import {
  PaymentProviderError,
  unknownTestCard,
  type CreateIntentInput,
  type IntentSnapshot,
  type IntentState,
  type PaymentEventIn,
  type PaymentIntentRef,
  type PaymentProvider,
} from './provider.js';

export const MOCK_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
} as const;

const STATE: Record<MockIntentStatus, IntentState> = {
  requires_payment_method: 'requires_payment',
  succeeded: 'succeeded',
  canceled: 'canceled',
  refunded: 'refunded',
};

/** The embedded default provider; its intents live in MySQL (db/payment-intents). */
export class MockProvider implements PaymentProvider {
  readonly name = 'mock' as const;

  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  async createIntent({ checkoutId, amount, currency }: CreateIntentInput): Promise<PaymentIntentRef> {
    const id = `mpi_${ulid()}`;
    const row = await intents.createOnce(
      this.sql,
      { id, checkoutId, amount, currency, status: 'requires_payment_method', clientSecret: `${id}_secret_${randomBytes(12).toString('hex')}` },
      this.clock.now(),
    );
    return { provider: this.name, intentId: row.id, clientSecret: row.clientSecret };
  }

  async getIntent(intentId: string): Promise<IntentSnapshot> {
    const row = await this.find(intentId);
    return { intentId, clientSecret: row.clientSecret, state: STATE[row.status], amount: row.amount, currency: row.currency, checkoutId: row.checkoutId };
  }

  async cancelIntent(intentId: string): Promise<IntentState> {
    await this.transition(intentId, 'requires_payment_method', 'canceled');
    const row = await intents.find(this.sql, intentId);
    // An intent the provider does not know can take no money: nothing left to cancel.
    return row ? STATE[row.status] : 'canceled';
  }

  async refund(intentId: string): Promise<void> {
    const row = await this.find(intentId);
    if (row.status === 'refunded') return;
    if (row.status !== 'succeeded') throw new PaymentProviderError(`intent ${intentId} is ${row.status}, not refundable`, false, 'CONFLICT');
    await this.transition(intentId, 'succeeded', 'refunded');
  }

  async payWithTestCard(intentId: string, card: string): Promise<PaymentEventIn> {
    const row = await this.find(intentId);
    const base = { provider: this.name, intentId, checkoutId: row.checkoutId, amount: row.amount };
    if (card === MOCK_CARDS.declines) {
      const event = { type: 'payment_intent.payment_failed', intentId, reason: 'card_declined' };
      return { ...base, eventId: `mock_evt_${ulid()}`, type: event.type, failureReason: 'card_declined', payload: JSON.stringify(event) };
    }
    if (card !== MOCK_CARDS.succeeds) throw unknownTestCard();
    await this.transition(intentId, 'requires_payment_method', 'succeeded');
    const after = await this.find(intentId);
    if (after.status !== 'succeeded' && after.status !== 'refunded') {
      throw new PaymentProviderError(`intent ${intentId} is ${after.status} and can no longer be paid`, false, 'CONFLICT');
    }
    // One success per intent, one event id: paying twice is deduplicated downstream.
    const event = { type: 'payment_intent.succeeded', intentId, amount: row.amount };
    return { ...base, eventId: `mock_evt_${intentId}_succeeded`, type: event.type, failureReason: null, payload: JSON.stringify(event) };
  }

  private async find(intentId: string): Promise<MockIntent> {
    const row = await intents.find(this.sql, intentId);
    if (!row) throw new PaymentProviderError(`payment intent ${intentId} not found`, false, 'NOT_FOUND');
    return row;
  }

  private async transition(intentId: string, from: MockIntentStatus, to: MockIntentStatus): Promise<void> {
    await intents.transition(this.sql, intentId, [from], to, this.clock.now());
  }
}
