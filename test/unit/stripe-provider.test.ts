import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Stripe from 'stripe';
import { PaymentProviderError } from '../../payments/provider.js';
import { STRIPE_TEST_CARDS, StripeProvider } from '../../payments/stripe-provider.js';

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

type Reply = { status: number; body: object };

const INTENT = {
  id: 'pi_unit_1',
  object: 'payment_intent',
  amount: 2000,
  currency: 'usd',
  status: 'requires_payment_method',
  client_secret: 'pi_unit_1_secret_abc',
  created: 1_700_000_000,
  metadata: { checkoutId: 'chk_unit_1' },
  latest_charge: null,
};

/**
 * The requests the Stripe SDK builds, as received by a local HTTP server, and
 * answers from `route` shaped like Stripe's. Nothing leaves the machine.
 */
async function stripeStandIn(route: (r: Received) => Reply): Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const r: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, form: new URLSearchParams(body) };
      received.push(r);
      const reply = route(r);
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${received.length}` });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The SDK's own Node client, delivering each request to `port` instead of the
 * host it was built for, which it records: the provider believes it talks to api.stripe.com.
 */
function deliveredTo(port: number, hosts: string[]): Stripe.HttpClient {
  const node = Stripe.createNodeHttpClient();
  return {
    getClientName: () => 'unit-test',
    makeRequest: (host, _port, path, method, headers, data, _protocol, timeout) => {
      hosts.push(host);
      return node.makeRequest('127.0.0.1', String(port), path, method, headers, data, 'http', timeout);
    },
  };
}

const stripeApi = (r: Received): Reply => {
  if (r.method === 'POST' && r.path === '/v1/payment_intents') return { status: 200, body: INTENT };
  if (r.method === 'GET' && r.path === `/v1/payment_intents/${INTENT.id}`) return { status: 200, body: INTENT };
  if (r.method === 'POST' && r.path === `/v1/payment_intents/${INTENT.id}`) return { status: 200, body: { ...INTENT, payment_method: r.form.get('payment_method') } };
  if (r.method === 'POST' && r.path === `/v1/payment_intents/${INTENT.id}/confirm`) {
    return {
      status: 402,
      body: { error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', charge: 'ch_unit_1' } },
    };
  }
  if (r.method === 'GET' && r.path === '/v1/events') return { status: 200, body: { object: 'list', data: [], has_more: false, url: '/v1/events' } };
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `no route ${r.method} ${r.path}` } } };
};

describe('Stripe provider: the requests the SDK builds for api.stripe.com (local stand-in, no network)', () => {
  let api: Awaited<ReturnType<typeof stripeStandIn>>;
  let hosts: string[];
  const provider = (secretKey = 'sk_test_unit') => new StripeProvider({ secretKey, httpClient: deliveredTo(api.port, hosts), eventLookupMs: 0 });

  beforeEach(async () => {
    api = await stripeStandIn(stripeApi);
    hosts = [];
  });
  afterEach(async () => {
    await api.close();
  });

  it('createIntent: one POST /v1/payment_intents for cards only, keyed by the checkout, with the metadata the webhooks need', async () => {
    const ref = await provider().createIntent({ checkoutId: 'chk_unit_1', amount: 2000, currency: 'USD' });
    expect(ref).to.deep.equal({ provider: 'stripe', intentId: INTENT.id, clientSecret: INTENT.client_secret });
    expect(hosts).to.deep.equal(['api.stripe.com']);
    expect(api.received).to.have.length(1);
    const [req] = api.received;
    expect(req).to.include({ method: 'POST', path: '/v1/payment_intents' });
    expect(Object.fromEntries(req!.form)).to.deep.equal({
      amount: '2000',
      currency: 'usd',
      'metadata[checkoutId]': 'chk_unit_1',
      'allowed_payment_method_types[0]': 'card',
    });
    expect(req!.headers).to.include({ 'idempotency-key': 'pi-create-chk_unit_1', authorization: 'Bearer sk_test_unit' });
    expect(req!.headers['content-type']).to.match(/^application\/x-www-form-urlencoded/);
    expect(req!.headers['stripe-version']).to.match(/^\d{4}-\d{2}-\d{2}/);
  });

  it('createIntent against another host (localstripe) leaves allowed_payment_method_types out', async () => {
    await new StripeProvider({ secretKey: 'sk_test_unit', apiUrl: api.url }).createIntent({ checkoutId: 'chk_unit_2', amount: 500, currency: 'EUR' });
    expect(Object.fromEntries(api.received[0]!.form)).to.deep.equal({ amount: '500', currency: 'eur', 'metadata[checkoutId]': 'chk_unit_2' });
    expect(api.received[0]!.headers['idempotency-key']).to.equal('pi-create-chk_unit_2');
  });

  it('createIntent: a 5xx is one attempt, reported as retryable (the hold activity owns the retries)', async () => {
    await api.close();
    api = await stripeStandIn(() => ({ status: 503, body: { error: { type: 'api_error', message: 'down' } } }));
    const err = await provider()
      .createIntent({ checkoutId: 'chk_unit_3', amount: 2000, currency: 'USD' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).retryable).to.equal(true);
    expect(api.received).to.have.length(1);
  });

  it('a declining test card sets pm_card_visa_chargeDeclined on the intent, confirms it, and reports the decline', async () => {
    const event = await provider().payWithTestCard(INTENT.id, STRIPE_TEST_CARDS.declines);
    expect(api.received.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      `GET /v1/payment_intents/${INTENT.id}`,
      `POST /v1/payment_intents/${INTENT.id}`,
      `POST /v1/payment_intents/${INTENT.id}/confirm`,
      'GET /v1/events',
    ]);
    expect(Object.fromEntries(api.received[1]!.form)).to.deep.equal({ payment_method: 'pm_card_visa_chargeDeclined' });
    expect(Object.fromEntries(api.received[3]!.query)).to.include({ type: 'payment_intent.payment_failed', 'created[gte]': String(INTENT.created) });
    expect(event).to.include({ type: 'payment_intent.payment_failed', intentId: INTENT.id, checkoutId: 'chk_unit_1', failureReason: 'generic_decline' });
  });

  it('a succeeding test card sets pm_card_visa', async () => {
    await provider()
      .payWithTestCard(INTENT.id, STRIPE_TEST_CARDS.succeeds)
      .catch(() => undefined); // the stand-in's confirm always declines; only the update matters here
    expect(Object.fromEntries(api.received[1]!.form)).to.deep.equal({ payment_method: 'pm_card_visa' });
  });

  it('knows Stripe’s smallest charge per currency (minor units), any case, 50 for a currency it does not list', () => {
    const p = provider();
    expect(['USD', 'eur', 'GBP', 'JPY', 'SEK', 'XAF'].map((c) => p.minimumCharge(c))).to.deep.equal([50, 50, 30, 50, 300, 50]);
  });

  it('a live key never pays with a test card: refused before any request is sent', async () => {
    const err = await provider('sk_live_unit')
      .payWithTestCard(INTENT.id, STRIPE_TEST_CARDS.succeeds)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(PaymentProviderError);
    expect((err as PaymentProviderError).message).to.match(/live Stripe key/);
    expect((err as PaymentProviderError).retryable).to.equal(false);
    expect(api.received).to.deep.equal([]);
  });
});
