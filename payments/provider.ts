import type { PaymentProviderName } from '../core/domain.js';

export interface CreateIntentInput {
  checkoutId: string;
  amount: number;
  currency: string;
}

export interface PaymentIntentRef {
  provider: PaymentProviderName;
  intentId: string;
  clientSecret: string;
}

/** Provider-neutral state of a payment intent. */
export type IntentState = 'requires_payment' | 'processing' | 'succeeded' | 'canceled' | 'refunded';

export interface IntentSnapshot {
  intentId: string;
  state: IntentState;
  amount: number;
  currency: string;
  checkoutId: string | null;
}

/**
 * A payment event in provider-neutral form: what the webhook route (Stripe)
 * or the mock pay endpoint hand to the one ingestion path.
 */
export interface PaymentEventIn {
  provider: PaymentProviderName;
  eventId: string;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.canceled' | 'charge.refunded' | string;
  intentId: string | null;
  checkoutId: string | null;
  amount: number | null;
  failureReason: string | null;
  payload: string;
}

/**
 * Every call is idempotent per checkout / intent: activities retry them.
 * Failures are thrown as PaymentProviderError with `retryable` telling the
 * activity layer whether Temporal should try again.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  createIntent(input: CreateIntentInput): Promise<PaymentIntentRef>;
  getIntent(intentId: string): Promise<IntentSnapshot>;
  /** Cancels an unpaid intent. Returns the state after the attempt: `succeeded` means it was paid first. */
  cancelIntent(intentId: string): Promise<IntentState>;
  /** Refunds a succeeded intent in full; a second call changes nothing. */
  refund(intentId: string): Promise<void>;
  /**
   * Pays an intent with a card number on the server (mock cards; Stripe test
   * payment methods). Returns the resulting event, which the caller ingests
   * through the same path as a provider webhook.
   */
  payWithTestCard(intentId: string, card: string): Promise<PaymentEventIn>;
}

export class PaymentProviderError extends Error {
  override readonly name = 'PaymentProviderError';

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: 'PAYMENT_DECLINED' | 'PAYMENT_PROVIDER_ERROR' | 'NOT_FOUND' | 'VALIDATION_FAILED' = 'PAYMENT_PROVIDER_ERROR',
  ) {
    super(message);
  }
}
