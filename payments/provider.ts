import type { PaymentProviderName } from '../core/domain.js';
import { AppError, type ErrorCode } from '../core/errors.js';

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
  /** What a buyer's page pays it with. */
  clientSecret: string;
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
 * Failures are thrown as PaymentProviderError, whose `retryable` tells the
 * activity layer whether Temporal should try again.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** The smallest amount it charges in `currency` (minor units); a hold whose total is below it (and not 0) is refused. */
  minimumCharge(currency: string): number;
  createIntent(input: CreateIntentInput): Promise<PaymentIntentRef>;
  getIntent(intentId: string): Promise<IntentSnapshot>;
  /** Cancels an unpaid intent. Returns the state after the attempt: `succeeded` means it was paid first. */
  cancelIntent(intentId: string): Promise<IntentState>;
  /** Refunds a succeeded intent in full; a second call changes nothing. */
  refund(intentId: string): Promise<void>;
  /**
   * Pays an intent with a card number on the server (mock cards; Stripe test
   * payment methods; no card for a free booking's intent). Returns the
   * resulting event, which the caller ingests through the same path as a
   * provider webhook.
   */
  payWithTestCard(intentId: string, card: string | undefined): Promise<PaymentEventIn>;
}

/** The codes a provider answers with: an outage, a decline, an unknown intent, a bad card number, a refused request. */
/** A card number the test-card payment does not know: the request body's fault. */
export const unknownTestCard = (): PaymentProviderError =>
  new PaymentProviderError('Unknown test card: use 4242 4242 4242 4242 or 4000 0000 0000 0002', false, 'VALIDATION_FAILED', { in: 'body', field: 'card' });

export type PaymentProviderErrorCode = Extract<ErrorCode, 'PAYMENT_PROVIDER_ERROR' | 'PAYMENT_DECLINED' | 'NOT_FOUND' | 'VALIDATION_FAILED' | 'CONFLICT'>;

/** A provider failure as a domain error; `retryable` is decided per failure (an outage, or a final answer). */
export class PaymentProviderError extends AppError {
  override readonly name = 'PaymentProviderError';

  constructor(message: string, retryable: boolean, code: PaymentProviderErrorCode = 'PAYMENT_PROVIDER_ERROR', details?: Record<string, unknown>) {
    super(code, message, details, { retryable });
  }
}
