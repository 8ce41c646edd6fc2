import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import Stripe from 'stripe';
import { activityFailure } from '../../../activities/failures.js';
import { PaymentProviderError } from '../../../payments/provider.js';
import {
  intentStateOf,
  paymentEventFromStripe,
  StripeProvider,
  toPaymentProviderError,
  verifyStripeWebhook,
  WebhookSignatureError,
} from '../../../payments/stripe-provider.js';
import { freePort } from '../../support/processes.js';

interface Reply {
  status: number;
  body?: unknown;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** A non-JSON body, e.g. a proxy's HTML error page. */
  raw?: string;
}
interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in for the Stripe API that answers what the test says, so the SDK raises its real error classes. */
async function fakeStripe(route: (req: Seen) => Reply): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      const reply = route(request);
      if (reply.hang) return;
      res.writeHead(reply.status, { 'content-type': reply.raw ? 'text/html' : 'application/json', 'request-id': 'req_test' });
      res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const stripeError = (type: string, message: string, extra: Record<string, unknown> = {}) => ({ error: { type, message, ...extra } });

const provider = (url: string) => new StripeProvider({ secretKey: 'sk_test_fake', apiUrl: url, timeoutMs: 500, createTimeoutMs: 500, networkRetries: 0 });

async function failure(p: Promise<unknown>): Promise<PaymentProviderError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(PaymentProviderError);
    return e as PaymentProviderError;
  }
  throw new Error('expected the call to fail');
}

const succeededIntent = {
  id: 'pi_test_1',
  object: 'payment_intent',
  status: 'succeeded',
  amount: 2000,
  currency: 'usd',
  metadata: { checkoutId: 'chk_test' },
  latest_charge: { id: 'ch_1', object: 'charge', amount: 2000, amount_refunded: 0 },
};

describe('Stripe errors → retryable / final provider errors (fake Stripe API)', function () {
  this.timeout(20_000);

  const createCases: { name: string; reply: Reply; retryable: boolean; code: PaymentProviderError['code'] }[] = [
    { name: '500 api_error', reply: { status: 500, body: stripeError('api_error', 'Something went wrong') }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '503 without an error object', reply: { status: 503, body: {} }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '502 HTML page from a proxy', reply: { status: 502, raw: '<html><body>Bad Gateway</body></html>' }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '429 rate limit', reply: { status: 429, body: stripeError('invalid_request_error', 'Too many requests', { code: 'rate_limit' }) }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '409 lock_timeout', reply: { status: 409, body: stripeError('invalid_request_error', 'Object locked', { code: 'lock_timeout' }) }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '400 lock_timeout', reply: { status: 400, body: stripeError('invalid_request_error', 'Object locked', { code: 'lock_timeout' }) }, retryable: true, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '402 card declined', reply: { status: 402, body: stripeError('card_error', 'Your card was declined.', { code: 'card_declined', decline_code: 'generic_decline' }) }, retryable: false, code: 'PAYMENT_DECLINED' },
    { name: '400 invalid request', reply: { status: 400, body: stripeError('invalid_request_error', 'Invalid currency: xyz', { param: 'currency' }) }, retryable: false, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '400 idempotency error', reply: { status: 400, body: stripeError('idempotency_error', 'Keys for idempotent requests can only be used with the same parameters') }, retryable: false, code: 'PAYMENT_PROVIDER_ERROR' },
    { name: '404 resource_missing', reply: { status: 404, body: stripeError('invalid_request_error', 'No such payment_intent', { code: 'resource_missing' }) }, retryable: false, code: 'NOT_FOUND' },
    { name: '401 bad key', reply: { status: 401, body: stripeError('invalid_request_error', 'Invalid API Key provided') }, retryable: false, code: 'PAYMENT_PROVIDER_ERROR' },
  ];

  for (const c of createCases) {
    it(`createIntent: ${c.name} → ${c.retryable ? 'retryable' : 'final'} ${c.code}, and the same through the activity failure mapping`, async () => {
      const api = await fakeStripe(() => c.reply);
      try {
        const err = await failure(provider(api.url).createIntent({ checkoutId: 'chk_test', amount: 2000, currency: 'USD' }));
        expect(err.retryable).to.equal(c.retryable);
        expect(err.code).to.equal(c.code);
        expect(err.message).to.match(/^Stripe create payment intent failed: /);
        const af = activityFailure(err) as ApplicationFailure;
        expect(af).to.be.instanceOf(ApplicationFailure);
        expect(af.nonRetryable).to.equal(!c.retryable);
        expect(af.type).to.equal(c.code);
      } finally {
        await api.close();
      }
    });
  }

  it('createIntent: Stripe unreachable (connection refused) or too slow (timeout) → retryable', async () => {
    const closedPort = await freePort();
    const refused = await failure(provider(`http://127.0.0.1:${closedPort}`).createIntent({ checkoutId: 'chk_x', amount: 100, currency: 'USD' }));
    expect(refused.retryable).to.equal(true);
    const api = await fakeStripe(() => ({ status: 200, hang: true }));
    try {
      const slow = await failure(provider(api.url).createIntent({ checkoutId: 'chk_x', amount: 100, currency: 'USD' }));
      expect(slow.retryable).to.equal(true);
    } finally {
      await api.close();
    }
  });

  it('createIntent sends one intent per checkout: idempotency key from the checkout id, lowercase currency, checkoutId metadata', async () => {
    const api = await fakeStripe(() => ({ status: 200, body: { id: 'pi_abc', object: 'payment_intent', client_secret: 'pi_abc_secret_x', status: 'requires_payment_method' } }));
    try {
      const ref = await provider(api.url).createIntent({ checkoutId: 'chk_42', amount: 2600, currency: 'EUR' });
      expect(ref).to.deep.equal({ provider: 'stripe', intentId: 'pi_abc', clientSecret: 'pi_abc_secret_x' });
      const [req] = api.seen;
      expect(req!.method).to.equal('POST');
      expect(req!.path).to.equal('/v1/payment_intents');
      expect(req!.headers['idempotency-key']).to.equal('pi-create-chk_42');
      const form = new URLSearchParams(req!.body);
      expect(form.get('amount')).to.equal('2600');
      expect(form.get('currency')).to.equal('eur');
      expect(form.get('metadata[checkoutId]')).to.equal('chk_42');
    } finally {
      await api.close();
    }
  });

  it('refund (a compensation step): a rejected key is retried, a missing intent is final; the refund is keyed by intent', async () => {
    let refundReply: Reply = { status: 401, body: stripeError('invalid_request_error', 'Expired API Key provided') };
    const api = await fakeStripe((req) => (req.path.startsWith('/v1/payment_intents/') ? { status: 200, body: succeededIntent } : refundReply));
    try {
      const p = provider(api.url);
      const expired = await failure(p.refund('pi_test_1'));
      expect(expired.retryable).to.equal(true);
      refundReply = { status: 200, body: { id: 're_1', object: 'refund', status: 'succeeded', amount: 2000 } };
      await p.refund('pi_test_1');
      const refundCall = api.seen.filter((r) => r.path === '/v1/refunds').at(-1)!;
      expect(refundCall.headers['idempotency-key']).to.equal('refund-pi_test_1');
      expect(new URLSearchParams(refundCall.body).get('payment_intent')).to.equal('pi_test_1');
      refundReply = { status: 400, body: stripeError('invalid_request_error', 'Charge ch_1 has already been refunded.', { code: 'charge_already_refunded' }) };
      await p.refund('pi_test_1'); // already refunded elsewhere: done, no error
    } finally {
      await api.close();
    }
    const missing = await fakeStripe(() => ({ status: 404, body: stripeError('invalid_request_error', 'No such payment_intent', { code: 'resource_missing' }) }));
    try {
      const err = await failure(provider(missing.url).refund('pi_gone'));
      expect(err).to.include({ retryable: false, code: 'NOT_FOUND' });
    } finally {
      await missing.close();
    }
  });

  it('cancelIntent: Stripe refusing to cancel a paid intent answers with the intent state (succeeded)', async () => {
    const api = await fakeStripe((req) =>
      req.path.endsWith('/cancel')
        ? { status: 400, body: stripeError('invalid_request_error', 'You cannot cancel this PaymentIntent because it has a status of succeeded.', { code: 'payment_intent_unexpected_state' }) }
        : { status: 200, body: succeededIntent },
    );
    try {
      expect(await provider(api.url).cancelIntent('pi_test_1')).to.equal('succeeded');
    } finally {
      await api.close();
    }
  });

  it('cancelIntent: an intent Stripe does not know is answered as canceled, so compensation can finish', async () => {
    const api = await fakeStripe(() => ({ status: 404, body: stripeError('invalid_request_error', 'No such payment_intent', { code: 'resource_missing' }) }));
    try {
      expect(await provider(api.url).cancelIntent('pi_gone')).to.equal('canceled');
    } finally {
      await api.close();
    }
  });

  it('non-Stripe errors pass through unchanged', () => {
    const plain = new TypeError('bug');
    expect(toPaymentProviderError(plain, 'x')).to.equal(plain);
    const conn = new Stripe.errors.StripeConnectionError({ message: 'socket hang up' });
    expect(toPaymentProviderError(conn, 'x')).to.include({ retryable: true });
  });

  it('maps Stripe intent statuses to provider-neutral states', () => {
    const pi = (status: string, charge?: { amount: number; amount_refunded: number }) => ({ status, latest_charge: charge ?? null }) as unknown as Stripe.PaymentIntent;
    expect(intentStateOf(pi('requires_payment_method'))).to.equal('requires_payment');
    expect(intentStateOf(pi('requires_confirmation'))).to.equal('requires_payment');
    expect(intentStateOf(pi('requires_action'))).to.equal('requires_payment');
    expect(intentStateOf(pi('processing'))).to.equal('processing');
    expect(intentStateOf(pi('canceled'))).to.equal('canceled');
    expect(intentStateOf(pi('succeeded', { amount: 500, amount_refunded: 0 }))).to.equal('succeeded');
    expect(intentStateOf(pi('succeeded', { amount: 500, amount_refunded: 200 }))).to.equal('succeeded');
    expect(intentStateOf(pi('succeeded', { amount: 500, amount_refunded: 500 }))).to.equal('refunded');
  });

  it('verifies webhook signatures over the raw bytes and reads payment events from them', () => {
    const secret = 'whsec_unit';
    const event = { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { ...succeededIntent, amount_received: 2000 } } };
    const raw = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({ payload: raw, secret });
    const parsed = paymentEventFromStripe(verifyStripeWebhook(raw, header, secret), raw);
    expect(parsed).to.deep.include({ provider: 'stripe', eventId: 'evt_1', type: 'payment_intent.succeeded', intentId: 'pi_test_1', checkoutId: 'chk_test', amount: 2000, failureReason: null, payload: raw });
    expect(() => verifyStripeWebhook(raw.replace('2000', '1'), header, secret)).to.throw(WebhookSignatureError);
    expect(() => verifyStripeWebhook(raw, header, 'whsec_other')).to.throw(WebhookSignatureError);
    const stale = Stripe.webhooks.generateTestHeaderString({ payload: raw, secret, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(() => verifyStripeWebhook(raw, stale, secret)).to.throw(WebhookSignatureError, /tolerance/i);
  });

  it('refuses a correctly signed body that is no Stripe event, and takes no over-long metadata as a checkout id', () => {
    const secret = 'whsec_unit';
    const signed = (body: object) => {
      const raw = JSON.stringify(body);
      return [raw, Stripe.webhooks.generateTestHeaderString({ payload: raw, secret })] as const;
    };
    for (const body of [{ id: 'evt_1', type: '' }, { id: 'evt_1', type: 'x', data: {} }, { id: 'e'.repeat(256), type: 'x', data: { object: {} } }]) {
      expect(() => verifyStripeWebhook(...signed(body), secret), JSON.stringify(body)).to.throw(WebhookSignatureError, /not a Stripe event/);
    }
    const foreign = { id: 'evt_2', object: 'event', type: 'payment_intent.succeeded', data: { object: { ...succeededIntent, metadata: { checkoutId: 'c'.repeat(41) } } } };
    const [raw, header] = signed(foreign);
    expect(paymentEventFromStripe(verifyStripeWebhook(raw, header, secret), raw)).to.include({ intentId: 'pi_test_1', checkoutId: null });
  });
});
