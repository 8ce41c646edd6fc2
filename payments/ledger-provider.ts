import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Clock } from '../core/clock.js';
import * as intents from '../db/payment-intents.js';
import type { LedgerIntent, LedgerIntentStatus } from '../db/payment-intents.js';
import type { Sql } from '../db/sql.js';
import { PaymentProviderError, type CreateIntentInput, type IntentSnapshot, type IntentState, type PaymentEventIn, type PaymentIntentRef, type PaymentProvider } from './provider.js';

const STATE: Record<LedgerIntentStatus, IntentState> = {
  requires_payment_method: 'requires_payment',
  succeeded: 'succeeded',
  canceled: 'canceled',
  refunded: 'refunded',
};

/**
 * A provider whose intents Marquee keeps in MySQL itself instead of at a
 * payment service: what the mock provider and free bookings share. The id's
 * prefix says whose an intent is, so a deployment can hold both kinds; only
 * how an intent is paid differs.
 */
export abstract class LedgerProvider implements PaymentProvider {
  abstract readonly name: 'mock' | 'free';

  protected constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
    private readonly idPrefix: string,
  ) {}

  abstract payWithTestCard(intentId: string, card: string | undefined): Promise<PaymentEventIn>;

  /** No money moves: any amount can be "charged". */
  minimumCharge(): number {
    return 1;
  }

  owns(intentId: string): boolean {
    return intentId.startsWith(this.idPrefix);
  }

  async createIntent({ checkoutId, amount, currency }: CreateIntentInput): Promise<PaymentIntentRef> {
    const id = `${this.idPrefix}${ulid()}`;
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
    // An intent the ledger does not know can take no money: nothing left to cancel.
    return row ? STATE[row.status] : 'canceled';
  }

  async refund(intentId: string): Promise<void> {
    const row = await this.find(intentId);
    if (row.status === 'refunded') return;
    if (row.status !== 'succeeded') throw new PaymentProviderError(`intent ${intentId} is ${row.status}, not refundable`, false, 'CONFLICT');
    await this.transition(intentId, 'succeeded', 'refunded');
  }

  /** Pays the intent. One success per intent, one event id: paying twice is deduplicated downstream. */
  protected async succeed(intentId: string): Promise<PaymentEventIn> {
    const row = await this.find(intentId);
    await this.transition(intentId, 'requires_payment_method', 'succeeded');
    const after = await this.find(intentId);
    if (after.status !== 'succeeded' && after.status !== 'refunded') {
      throw new PaymentProviderError(`intent ${intentId} is ${after.status} and can no longer be paid`, false, 'CONFLICT');
    }
    const event = { type: 'payment_intent.succeeded', intentId, amount: row.amount };
    return {
      provider: this.name,
      intentId,
      checkoutId: row.checkoutId,
      amount: row.amount,
      eventId: `${this.name}_evt_${intentId}_succeeded`,
      type: event.type,
      failureReason: null,
      payload: JSON.stringify(event),
    };
  }

  protected async find(intentId: string): Promise<LedgerIntent> {
    const row = await intents.find(this.sql, intentId);
    if (!row) throw new PaymentProviderError(`payment intent ${intentId} not found`, false, 'NOT_FOUND');
    return row;
  }

  private async transition(intentId: string, from: LedgerIntentStatus, to: LedgerIntentStatus): Promise<void> {
    await intents.transition(this.sql, intentId, [from], to, this.clock.now());
  }
}
