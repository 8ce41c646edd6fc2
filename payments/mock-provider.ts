import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import type { Clock } from '../core/clock.js';
import { MockPaymentIntent } from '../db/entities/index.js';
import {
  PaymentProviderError,
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

const STATE: Record<MockPaymentIntent['status'], IntentState> = {
  requires_payment_method: 'requires_payment',
  succeeded: 'succeeded',
  canceled: 'canceled',
  refunded: 'refunded',
};

/**
 * The embedded default provider. Intents live in MySQL so that every API node
 * and worker sees the same state, and each state change is one conditional
 * UPDATE, so a payment racing a cancellation has exactly one winner.
 */
export class MockProvider implements PaymentProvider {
  readonly name = 'mock' as const;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async createIntent({ checkoutId, amount, currency }: CreateIntentInput): Promise<PaymentIntentRef> {
    const now = this.clock.now();
    const id = `mpi_${ulid()}`;
    await this.ds.query(
      `INSERT INTO mock_payment_intents (id, checkout_id, amount, currency, status, client_secret, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'requires_payment_method', ?, ?, ?)
       ON DUPLICATE KEY UPDATE id = id`,
      [id, checkoutId, amount, currency, `${id}_secret_${randomBytes(12).toString('hex')}`, now, now],
    );
    const row = await this.ds.getRepository(MockPaymentIntent).findOneByOrFail({ checkoutId });
    return { provider: this.name, intentId: row.id, clientSecret: row.clientSecret };
  }

  async getIntent(intentId: string): Promise<IntentSnapshot> {
    const row = await this.find(intentId);
    return { intentId, state: STATE[row.status], amount: row.amount, currency: row.currency, checkoutId: row.checkoutId };
  }

  async cancelIntent(intentId: string): Promise<IntentState> {
    await this.transition(intentId, 'requires_payment_method', 'canceled');
    const row = await this.ds.getRepository(MockPaymentIntent).findOneBy({ id: intentId });
    // An intent the provider does not know can take no money: nothing left to cancel.
    return row ? STATE[row.status] : 'canceled';
  }

  async refund(intentId: string): Promise<void> {
    const row = await this.find(intentId);
    if (row.status === 'refunded') return;
    if (row.status !== 'succeeded') throw new PaymentProviderError(`intent ${intentId} is ${row.status}, not refundable`, false);
    await this.transition(intentId, 'succeeded', 'refunded');
  }

  async payWithTestCard(intentId: string, card: string): Promise<PaymentEventIn> {
    const row = await this.find(intentId);
    const base = { provider: this.name, intentId, checkoutId: row.checkoutId, amount: row.amount };
    if (card === MOCK_CARDS.declines) {
      const event = { type: 'payment_intent.payment_failed', intentId, reason: 'card_declined' };
      return { ...base, eventId: `mock_evt_${ulid()}`, type: event.type, failureReason: 'card_declined', payload: JSON.stringify(event) };
    }
    if (card !== MOCK_CARDS.succeeds) throw new PaymentProviderError('Unknown test card: use 4242 4242 4242 4242 or 4000 0000 0000 0002', false, 'VALIDATION_FAILED');
    await this.transition(intentId, 'requires_payment_method', 'succeeded');
    const after = await this.find(intentId);
    if (after.status !== 'succeeded' && after.status !== 'refunded') {
      throw new PaymentProviderError(`intent ${intentId} is ${after.status} and can no longer be paid`, false);
    }
    // One success per intent, one event id: paying twice is deduplicated downstream.
    const event = { type: 'payment_intent.succeeded', intentId, amount: row.amount };
    return { ...base, eventId: `mock_evt_${intentId}_succeeded`, type: event.type, failureReason: null, payload: JSON.stringify(event) };
  }

  private async find(intentId: string): Promise<MockPaymentIntent> {
    const row = await this.ds.getRepository(MockPaymentIntent).findOneBy({ id: intentId });
    if (!row) throw new PaymentProviderError(`payment intent ${intentId} not found`, false, 'NOT_FOUND');
    return row;
  }

  private async transition(intentId: string, from: MockPaymentIntent['status'], to: MockPaymentIntent['status']): Promise<void> {
    await this.ds.query('UPDATE mock_payment_intents SET status = ?, updated_at = ? WHERE id = ? AND status = ?', [
      to,
      this.clock.now(),
      intentId,
      from,
    ]);
  }
}
