import Stripe from 'stripe';
import { z } from 'zod';
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

/**
 * Test cards the server-side pay endpoint understands, and the Stripe test
 * PaymentMethod each one stands for (Stripe never sees raw card numbers from
 * this server). See docs/payments.md.
 */
export const STRIPE_TEST_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
  /** Attaches fine, declines when charged; declines on localstripe too. */
  declinesOnCharge: '4000000000000341',
} as const;

export interface StripeProviderOptions {
  secretKey: string;
  /** Another Stripe-compatible host (localstripe in tests); undefined = api.stripe.com. */
  apiUrl?: string | undefined;
  /** Per-request timeout of every call but intent creation (ms). */
  timeoutMs?: number;
  /**
   * Timeout of one intent-creation attempt (ms). It runs inside the hold's
   * local activity, which owns the retries and their time budget
   * (activities/failures.ts), so the SDK makes exactly one attempt per
   * activity attempt.
   */
  createTimeoutMs?: number;
  /** How long payWithTestCard looks for the event Stripe emitted for the payment (ms). */
  eventLookupMs?: number;
  /** SDK-level retries of a failed request outside intent creation (default 1). */
  networkRetries?: number;
  /**
   * How the SDK's requests leave the process (default: its Node https client).
   * Unit tests pass one that delivers them to a local server, to see what is
   * sent to api.stripe.com without a network.
   */
  httpClient?: Stripe.HttpClient;
}

/** Builds the SDK client, pointed at STRIPE_API_URL when that is set. */
export function createStripeClient(
  secretKey: string,
  apiUrl?: string,
  opts: { timeoutMs?: number; networkRetries?: number; httpClient?: Stripe.HttpClient } = {},
): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = {
    timeout: opts.timeoutMs ?? 6_000,
    // One quick retry of a lost connection for calls outside Temporal (webhook, pay endpoint);
    // activities additionally retry through their Temporal retry policy.
    maxNetworkRetries: opts.networkRetries ?? 1,
    appInfo: { name: 'marquee' },
    ...(opts.httpClient ? { httpClient: opts.httpClient } : {}),
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.host = url.hostname;
    config.port = url.port || (protocol === 'http' ? 80 : 443);
    config.protocol = protocol;
  }
  return new Stripe(secretKey, config);
}

const isStripeError = (e: unknown): e is Stripe.errors.StripeError => e instanceof Stripe.errors.StripeError;

/**
 * Maps a Stripe SDK error to a PaymentProviderError whose `retryable` tells
 * Temporal whether to try again: network trouble, timeouts, rate limits,
 * lock timeouts / conflicts and Stripe-side 5xx are transient; declines and
 * invalid requests are answers. With `compensating` (cancel, refund: steps
 * that must eventually succeed), authentication and permission errors are
 * retried too, so a rotated key stalls a refund instead of dropping it.
 * Anything that is not a Stripe error is returned unchanged.
 */
export function toPaymentProviderError(e: unknown, action: string, opts: { compensating?: boolean } = {}): unknown {
  if (e instanceof PaymentProviderError || !isStripeError(e)) return e;
  return mapStripeError(e, action, opts);
}

function mapStripeError(e: Stripe.errors.StripeError, action: string, opts: { compensating?: boolean }): PaymentProviderError {
  const E = Stripe.errors;
  const message = `Stripe ${action} failed: ${e.message}`;
  const status = e.statusCode;
  if (
    e instanceof E.StripeConnectionError ||
    e instanceof E.StripeRateLimitError ||
    e.code === 'lock_timeout' ||
    e.code === 'rate_limit' ||
    e.code === 'idempotency_key_in_use' ||
    status === 409 ||
    (status !== undefined && status >= 500) ||
    e instanceof E.StripeAPIError
  ) {
    return new PaymentProviderError(message, true);
  }
  if (e instanceof E.StripeCardError) return new PaymentProviderError(message, false, 'PAYMENT_DECLINED');
  if (status === 404 || e.code === 'resource_missing') return new PaymentProviderError(message, false, 'NOT_FOUND');
  if (opts.compensating && (e instanceof E.StripeAuthenticationError || e instanceof E.StripePermissionError)) {
    return new PaymentProviderError(message, true);
  }
  return new PaymentProviderError(message, false);
}

const fullyRefunded = (charge: Stripe.PaymentIntent['latest_charge']): boolean =>
  typeof charge === 'object' && charge !== null && charge.amount > 0 && charge.amount_refunded >= charge.amount;

/** Stripe's PaymentIntent status in provider-neutral terms (`latest_charge` expanded to see refunds). */
export function intentStateOf(pi: Stripe.PaymentIntent): IntentState {
  switch (pi.status) {
    case 'succeeded':
      return fullyRefunded(pi.latest_charge) ? 'refunded' : 'succeeded';
    case 'canceled':
      return 'canceled';
    case 'processing':
    case 'requires_capture':
      return 'processing';
    default:
      return 'requires_payment';
  }
}

/** payment_events.payload is TEXT: keep the event whole when it fits, else its essentials. */
const MAX_PAYLOAD_BYTES = 60_000;
export function eventPayload(event: Stripe.Event, raw?: string): string {
  const text = raw ?? JSON.stringify(event);
  if (Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return text;
  const obj = event.data.object as unknown as Record<string, unknown>;
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created: event.created,
    truncated: true,
    data: { object: { id: obj.id, object: obj.object, status: obj.status, amount: obj.amount, metadata: obj.metadata } },
  });
}

/** Longest checkout id there is (bookings.id); a longer metadata value is not one of ours. */
const MAX_CHECKOUT_ID_LENGTH = 40;

const metadataCheckoutId = (metadata: Stripe.Metadata | null | undefined): string | null => {
  const id = metadata?.checkoutId;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_CHECKOUT_ID_LENGTH ? id : null;
};

/**
 * A verified Stripe event in the provider-neutral form the ingestion path
 * takes. Payment intents carry the checkout id in their metadata; a charge
 * points at its intent (the checkout id then comes from the charge's
 * metadata when Stripe copied it, else the caller looks it up).
 */
export function paymentEventFromStripe(event: Stripe.Event, raw?: string): PaymentEventIn {
  const base = { provider: 'stripe' as const, eventId: event.id, type: event.type, payload: eventPayload(event, raw) };
  const obj = event.data.object as { object?: string };
  if (obj.object === 'payment_intent') {
    const pi = event.data.object as Stripe.PaymentIntent;
    const failure = pi.last_payment_error;
    return {
      ...base,
      intentId: pi.id,
      checkoutId: metadataCheckoutId(pi.metadata),
      // localstripe's intents have no amount_received; Stripe's always do.
      amount: typeof pi.amount_received === 'number' && pi.amount_received > 0 ? pi.amount_received : pi.amount,
      failureReason:
        event.type === 'payment_intent.payment_failed'
          ? (failure?.decline_code ?? failure?.code ?? failure?.message ?? 'payment failed')
          : event.type === 'payment_intent.canceled'
            ? (pi.cancellation_reason ?? 'canceled')
            : null,
    };
  }
  if (obj.object === 'charge') {
    const charge = event.data.object as Stripe.Charge;
    const intent = charge.payment_intent;
    return {
      ...base,
      intentId: typeof intent === 'string' ? intent : (intent?.id ?? null),
      checkoutId: metadataCheckoutId(charge.metadata),
      amount: event.type === 'charge.refunded' ? charge.amount_refunded : charge.amount,
      failureReason: null,
    };
  }
  return { ...base, intentId: null, checkoutId: null, amount: null, failureReason: null };
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

const StripeId = z.string().min(1).max(255);

/**
 * The parts of an event that are read and stored, within what payment_events
 * holds. Stripe's own events always fit; a signed body that does not is no
 * Stripe event, and is refused rather than failing later on its shape.
 */
export const StripeEventEnvelope = z.looseObject({
  id: StripeId,
  type: z.string().min(1).max(64),
  data: z.looseObject({
    object: z.looseObject({
      id: StripeId.optional(),
      payment_intent: z.union([StripeId, z.looseObject({ id: StripeId }), z.null()]).optional(),
    }),
  }),
});

/**
 * Verifies a webhook's `Stripe-Signature` over the exact bytes received
 * (timestamp tolerance: the SDK's default 300 s) and parses the event.
 */
export function verifyStripeWebhook(raw: string, signature: string, secret: string): Stripe.Event {
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(raw, signature, secret);
  } catch (e) {
    // The SDK's messages run on with a docs link: keep the first line.
    if (e instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookSignatureError(e.message.split('\n')[0]!.trim());
    throw new WebhookSignatureError(`Unreadable webhook: ${(e as Error).message}`);
  }
  const shape = StripeEventEnvelope.safeParse(event);
  if (!shape.success) {
    const where = shape.error.issues.map((i) => i.path.join('.') || '(event)').join(', ');
    throw new WebhookSignatureError(`Unreadable webhook: not a Stripe event (${where})`);
  }
  return event;
}

/** Bounds the event scan on a busy test-mode account. */
const MAX_EVENTS_SCANNED = 1_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Stripe's smallest charge per currency, in minor units (its "minimum and
 * maximum charge amounts"; the ones a cinema is likely to sell in). Below it
 * Stripe refuses the intent; other currencies are held to 50.
 */
const STRIPE_MINIMUM_CHARGE: Record<string, number> = {
  USD: 50, EUR: 50, GBP: 30, AUD: 50, BRL: 50, CAD: 50, CHF: 50, NZD: 50, SGD: 50, JPY: 50,
  DKK: 250, NOK: 300, SEK: 300, PLN: 200, HKD: 400, MXN: 1000, CZK: 1500,
};

/**
 * PaymentProvider on the real Stripe API (or anything that speaks it, like
 * localstripe). One PaymentIntent per checkout, created with an idempotency
 * key derived from the checkout id so a retried activity gets the same
 * intent back; refunds are keyed by intent for the same reason.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly stripe: Stripe;
  private readonly createTimeoutMs: number;
  private readonly eventLookupMs: number;
  private readonly testMode: boolean;
  private readonly localApi: boolean;

  minimumCharge(currency: string): number {
    return STRIPE_MINIMUM_CHARGE[currency.toUpperCase()] ?? 50;
  }

  constructor(opts: StripeProviderOptions) {
    this.stripe = createStripeClient(opts.secretKey, opts.apiUrl, { timeoutMs: opts.timeoutMs, networkRetries: opts.networkRetries, httpClient: opts.httpClient });
    this.createTimeoutMs = opts.createTimeoutMs ?? 4_000;
    this.eventLookupMs = opts.eventLookupMs ?? 2_000;
    this.testMode = !/^(sk|rk)_live_/.test(opts.secretKey);
    this.localApi = opts.apiUrl !== undefined;
  }

  async createIntent({ checkoutId, amount, currency }: CreateIntentInput): Promise<PaymentIntentRef> {
    try {
      const params: Stripe.PaymentIntentCreateParams = { amount, currency: currency.toLowerCase(), metadata: { checkoutId } };
      // Cards (and card wallets) only: a card payment settles while the hold lasts, and a server-side
      // confirmation never needs a return_url. localstripe speaks an older API without this parameter
      // (and rejects unknown ones); it only has cards anyway.
      if (!this.localApi) params.allowed_payment_method_types = ['card'];
      const pi = await this.stripe.paymentIntents.create(params, {
        idempotencyKey: `pi-create-${checkoutId}`,
        timeout: this.createTimeoutMs,
        maxNetworkRetries: 0,
      });
      if (!pi.id || !pi.client_secret) {
        // The SDK passes a 5xx whose body is JSON without `error` off as a success: treat it as the outage it is.
        throw new Stripe.errors.StripeAPIError({ message: 'unexpected response without a payment intent', statusCode: pi.lastResponse?.statusCode });
      }
      return { provider: this.name, intentId: pi.id, clientSecret: pi.client_secret };
    } catch (e) {
      throw toPaymentProviderError(e, 'create payment intent');
    }
  }

  async getIntent(intentId: string): Promise<IntentSnapshot> {
    const pi = await this.retrieve(intentId, true);
    return {
      intentId,
      clientSecret: pi.client_secret ?? '',
      state: intentStateOf(pi),
      amount: pi.amount,
      currency: pi.currency.toUpperCase(),
      checkoutId: metadataCheckoutId(pi.metadata),
    };
  }

  async cancelIntent(intentId: string): Promise<IntentState> {
    try {
      return intentStateOf(await this.stripe.paymentIntents.cancel(intentId));
    } catch (e) {
      // An intent Stripe does not know can take no money: nothing left to cancel.
      if (e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404) return 'canceled';
      // Stripe refuses to cancel an intent that succeeded, is processing or is already canceled
      // (400 payment_intent_unexpected_state): the intent's state is then the answer.
      if (!(e instanceof Stripe.errors.StripeInvalidRequestError)) {
        throw toPaymentProviderError(e, 'cancel payment intent', { compensating: true });
      }
    }
    const state = (await this.getIntent(intentId)).state;
    if (state === 'requires_payment') {
      throw new PaymentProviderError(`payment intent ${intentId} could not be canceled and is still payable`, true);
    }
    return state;
  }

  async refund(intentId: string): Promise<void> {
    const pi = await this.retrieve(intentId, true);
    const state = intentStateOf(pi);
    if (state === 'refunded') return;
    if (state !== 'succeeded') throw new PaymentProviderError(`payment intent ${intentId} is ${pi.status}, not refundable`, false, 'CONFLICT');
    try {
      await this.stripe.refunds.create(
        { payment_intent: intentId, metadata: { checkoutId: metadataCheckoutId(pi.metadata) ?? '' } },
        { idempotencyKey: `refund-${intentId}` },
      );
    } catch (e) {
      // Refunded in the meantime (another worker, the Dashboard, an expired idempotency key).
      if (isStripeError(e) && e.code === 'charge_already_refunded') return;
      throw toPaymentProviderError(e, 'refund', { compensating: true });
    }
  }

  /**
   * Confirms the intent on the server with the Stripe test PaymentMethod
   * that stands for `card`, then returns the very event Stripe emitted for
   * the outcome (same event id as its webhook, so whichever of the two
   * arrives second is a duplicate). See docs/payments.md.
   */
  async payWithTestCard(intentId: string, card: string | undefined): Promise<PaymentEventIn> {
    const paymentMethod = this.testPaymentMethod(card);
    if (!this.testMode) throw new PaymentProviderError('Test cards cannot be used with a live Stripe key', false, 'CONFLICT');
    let pi = await this.retrieve(intentId, false);
    if (pi.status === 'canceled') throw new PaymentProviderError(`payment intent ${intentId} is canceled and can no longer be paid`, false, 'CONFLICT');
    if (pi.status === 'requires_payment_method' || pi.status === 'requires_confirmation') {
      try {
        // Set, then confirm: localstripe cannot take payment_method on confirm; Stripe accepts both.
        await this.stripe.paymentIntents.update(intentId, { payment_method: paymentMethod });
        pi = await this.stripe.paymentIntents.confirm(intentId);
      } catch (e) {
        if (!(e instanceof Stripe.errors.StripeCardError)) throw toPaymentProviderError(e, 'confirm payment intent');
        const charge = e.charge ?? null;
        const found = await this.findEvent('payment_intent.payment_failed', pi.created, (o) => o.id === intentId && (!charge || o.last_payment_error?.charge === charge));
        if (found) return paymentEventFromStripe(found);
        const reason = e.decline_code ?? e.code ?? 'card_declined';
        return this.syntheticEvent(`pay_${charge ?? `${intentId}_${Date.now()}`}_failed`, 'payment_intent.payment_failed', pi, reason);
      }
    }
    switch (pi.status) {
      case 'succeeded': {
        const found = await this.findEvent('payment_intent.succeeded', pi.created, (o) => o.id === intentId);
        return found ? paymentEventFromStripe(found) : this.syntheticEvent(`pay_${intentId}_succeeded`, 'payment_intent.succeeded', pi, null);
      }
      case 'processing':
        // Recorded, changes nothing: the succeeded / payment_failed webhook decides.
        return this.syntheticEvent(`pay_${intentId}_processing`, 'payment_intent.processing', pi, null);
      default:
        throw new PaymentProviderError(`payment intent ${intentId} is ${pi.status}; pay it with Stripe.js`, false, 'CONFLICT');
    }
  }

  private testPaymentMethod(card: string | undefined): string {
    switch (card) {
      case STRIPE_TEST_CARDS.succeeds:
        return 'pm_card_visa';
      case STRIPE_TEST_CARDS.declines:
        // localstripe 1.15.10 charges pm_card_visa_chargeDeclined successfully; its declining test method is this one.
        return this.localApi ? 'pm_card_chargeCustomerFail' : 'pm_card_visa_chargeDeclined';
      case STRIPE_TEST_CARDS.declinesOnCharge:
        return 'pm_card_chargeCustomerFail';
      default:
        throw unknownTestCard();
    }
  }

  private async retrieve(intentId: string, expandCharge: boolean): Promise<Stripe.PaymentIntent> {
    try {
      return await this.stripe.paymentIntents.retrieve(intentId, expandCharge ? { expand: ['latest_charge'] } : {});
    } catch (e) {
      throw toPaymentProviderError(e, 'retrieve payment intent', { compensating: true });
    }
  }

  /** The newest event of `type` since `since` (unix s) whose intent matches; Stripe may list it a moment late. */
  private async findEvent(
    type: 'payment_intent.succeeded' | 'payment_intent.payment_failed',
    since: number,
    matches: (pi: Stripe.PaymentIntent) => boolean,
  ): Promise<Stripe.Event | undefined> {
    const deadline = Date.now() + this.eventLookupMs;
    for (let attempt = 0; ; attempt++) {
      let best: Stripe.Event | undefined;
      let seen = 0;
      try {
        for await (const event of this.stripe.events.list({ type, created: { gte: since }, limit: 100 })) {
          if (matches(event.data.object as Stripe.PaymentIntent) && (!best || event.created >= best.created)) best = event;
          if (++seen >= MAX_EVENTS_SCANNED) break;
        }
      } catch {
        // The payment went through; a lookup failure only costs the dedupe against the webhook.
        return undefined;
      }
      if (best || Date.now() >= deadline) return best;
      await sleep(Math.min(250 * (attempt + 1), 1_000));
    }
  }

  private syntheticEvent(eventId: string, type: string, pi: Stripe.PaymentIntent, failureReason: string | null): PaymentEventIn {
    const payload = JSON.stringify({ id: eventId, object: 'event', type, synthetic: true, data: { object: { id: pi.id, status: pi.status, amount: pi.amount, metadata: pi.metadata } } });
    return {
      provider: this.name,
      eventId,
      type,
      intentId: pi.id,
      checkoutId: metadataCheckoutId(pi.metadata),
      amount: typeof pi.amount_received === 'number' && pi.amount_received > 0 ? pi.amount_received : pi.amount,
      failureReason,
      payload,
    };
  }
}
