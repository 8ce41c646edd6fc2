import type { Clock } from '../core/clock.js';
import type { Sql } from '../db/sql.js';
import { LedgerProvider } from './ledger-provider.js';
import { PaymentProviderError, type CreateIntentInput, type PaymentEventIn, type PaymentIntentRef, type PaymentProvider } from './provider.js';

/**
 * The intents of free bookings (a discount took the amount to 0), ids
 * `free_…`. No payment service is asked to charge nothing (Stripe refuses
 * amounts below its minimum charge), so Marquee keeps the intent itself, and
 * paying it needs no card. Everything after it (the success event, the
 * signal, the confirmation, the "refund" of a cancelled booking) runs as for
 * money.
 */
export class FreeProvider extends LedgerProvider {
  readonly name = 'free' as const;

  constructor(sql: Sql, clock: Clock) {
    super(sql, clock, 'free_');
  }

  override createIntent(input: CreateIntentInput): Promise<PaymentIntentRef> {
    if (input.amount !== 0) throw new PaymentProviderError(`a free intent is for nothing, not ${input.amount}`, false);
    return super.createIntent(input);
  }

  /** A card, if one is sent, is not looked at. */
  payWithTestCard(intentId: string): Promise<PaymentEventIn> {
    return this.succeed(intentId);
  }
}

/**
 * The deployment's provider, with free bookings kept off it: an intent for 0
 * is the free provider's, and every later call goes to whoever made the
 * intent (its id says which).
 */
export function withFreeBookings(paid: PaymentProvider, free: FreeProvider): PaymentProvider {
  const holder = (intentId: string): PaymentProvider => (free.owns(intentId) ? free : paid);
  return {
    name: paid.name,
    minimumCharge: (currency) => paid.minimumCharge(currency),
    createIntent: (input) => (input.amount === 0 ? free : paid).createIntent(input),
    getIntent: (intentId) => holder(intentId).getIntent(intentId),
    cancelIntent: (intentId) => holder(intentId).cancelIntent(intentId),
    refund: (intentId) => holder(intentId).refund(intentId),
    payWithTestCard: (intentId, card) => holder(intentId).payWithTestCard(intentId, card),
  };
}
