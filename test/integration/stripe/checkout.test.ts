import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { expect } from 'chai';
import type Stripe from 'stripe';
import { STRIPE_TEST_CARDS } from '../../../payments/stripe-provider.js';
import { statusQuery } from '../../../workflows/contracts.js';
import type { TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { statementsInProgress } from '../../support/database.js';
import { historyStepsMatching } from '../../support/history.js';
import { sharedLocalstripe, signedWebhook, stripeEventFor, stripeTestDeps, testStripeClient } from '../../support/localstripe.js';
import { startTestWorker, terminateOpenCheckouts, type TestWorker } from '../../support/worker.js';

const WEBHOOK = '/api/v1/webhooks/stripe';

interface StripeSuite {
  deps: TestDeps;
  api: TestApi;
  worker: TestWorker;
  stripe: Stripe;
  show: ShowtimeFixture;
  alice: TestUser;
  close(): Promise<void>;
}

/** A Stripe deployment: deps on localstripe, a worker and an API built from them. */
async function stripeSuite(name: string, holdTtlSeconds: number): Promise<StripeSuite> {
  const ls = await sharedLocalstripe();
  const deps = await stripeTestDeps(name, ls.url, { HOLD_TTL_SECONDS: String(holdTtlSeconds) });
  const worker = await startTestWorker(deps);
  const api = await startTestApi(deps);
  return {
    deps,
    api,
    worker,
    stripe: testStripeClient(ls.url),
    show: await createShowtime(deps.ds),
    alice: await createUser(deps),
    async close() {
      await api.close();
      await terminateOpenCheckouts(deps);
      await worker.stop();
      await deps.close();
      await ls.close();
    },
  };
}

const bookingRow = async (s: StripeSuite, id: string) => (await s.deps.ds.query('SELECT * FROM bookings WHERE id = ?', [id]))[0];
const eventRows = async (s: StripeSuite): Promise<{ event_id: string; type: string; checkout_id: string | null; payment_intent_id: string | null }[]> =>
  s.deps.ds.query('SELECT event_id, type, checkout_id, payment_intent_id FROM payment_events ORDER BY id');
const hold = (s: StripeSuite, seatIds: number[]) =>
  s.api.request('POST', '/api/v1/checkouts', { token: s.alice.token, body: { showtimeId: s.show.showtimeId, seatIds } });
const deliver = (s: StripeSuite, event: object, opts: { secret?: string; timestamp?: number } = {}) => {
  const { rawBody, headers } = signedWebhook(event, opts);
  return s.api.request('POST', WEBHOOK, { rawBody, headers });
};

/** What the browser does with Stripe.js and the client secret: pay the intent at Stripe. */
async function payAtStripe(stripe: Stripe, intentId: string, paymentMethod = 'pm_card_visa'): Promise<Stripe.Event> {
  await stripe.paymentIntents.update(intentId, { payment_method: paymentMethod });
  const pi = await stripe.paymentIntents.confirm(intentId);
  expect(pi.status).to.equal('succeeded');
  return stripeEventFor(stripe, 'payment_intent.succeeded', intentId);
}

/** A payment_failed event for the same intent, as Stripe would send for a later declined attempt. */
const failedEventFrom = (succeeded: Stripe.Event): object => ({
  ...succeeded,
  id: `evt_test_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
  type: 'payment_intent.payment_failed',
  data: {
    object: {
      ...(succeeded.data.object as object),
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
    },
  },
});

describe('Stripe payments: checkout through localstripe and signed webhooks', function () {
  this.timeout(60_000);
  let s: StripeSuite;

  before(async () => {
    s = await stripeSuite('stripe_checkout', 120);
  });
  after(async () => {
    await s?.close();
  });

  it('hold creates a PaymentIntent at Stripe; Stripe.js pays it; the signed payment_intent.succeeded webhook confirms the booking', async () => {
    const seats = s.show.seatIds.slice(0, 2);
    const held = await hold(s, seats);
    expect(held.status).to.equal(201);
    expect(held.body.payment.provider).to.equal('stripe');
    const intentId: string = held.body.payment.intentId;
    expect(intentId).to.match(/^pi_/);
    expect(held.body.payment.clientSecret).to.match(new RegExp(`^${intentId}_secret_`));

    const pi = await s.stripe.paymentIntents.retrieve(intentId);
    expect(pi).to.include({ amount: 2000, currency: 'usd', status: 'requires_payment_method' });
    expect(pi.metadata).to.deep.equal({ checkoutId: held.body.checkoutId });
    expect(await bookingRow(s, held.body.checkoutId)).to.include({ payment_provider: 'stripe', payment_intent_id: intentId, status: 'AWAITING_PAYMENT' });

    const event = await payAtStripe(s.stripe, intentId);
    const res = await deliver(s, event);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ received: true, outcome: 'applied' });

    await eventually(async () => (await bookingRow(s, held.body.checkoutId)).status === 'CONFIRMED');
    expect((await seatStatuses(s.deps.ds, seats)).map((r) => [r.status, r.booking_id])).to.deep.equal([
      ['booked', held.body.checkoutId],
      ['booked', held.body.checkoutId],
    ]);
    const rows = (await eventRows(s)).filter((r) => r.event_id === event.id);
    expect(rows).to.deep.equal([{ event_id: event.id, type: 'payment_intent.succeeded', checkout_id: held.body.checkoutId, payment_intent_id: intentId }]);
  });

  it('POST /pay with 4242… confirms at Stripe and ingests Stripe’s own event, so the webhook that follows is a duplicate', async () => {
    const held = await hold(s, [s.show.seatIds[2]!]);
    const intentId: string = held.body.payment.intentId;
    const paid = await s.api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: s.alice.token, body: { card: '4242 4242 4242 4242' } });
    expect(paid.status).to.equal(200);
    expect(paid.body.status).to.equal('CONFIRMED');
    expect((await s.stripe.paymentIntents.retrieve(intentId)).status).to.equal('succeeded');

    const event = await stripeEventFor(s.stripe, 'payment_intent.succeeded', intentId);
    const recorded = (await eventRows(s)).filter((r) => r.payment_intent_id === intentId);
    expect(recorded.map((r) => r.event_id)).to.deep.equal([event.id]);
    const late = await deliver(s, event);
    expect(late.status).to.equal(200);
    expect(late.body.outcome).to.equal('duplicate');
    expect((await eventRows(s)).filter((r) => r.payment_intent_id === intentId)).to.have.length(1);
    // Paying again answers with the booking, changes nothing.
    const again = await s.api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: s.alice.token, body: { card: STRIPE_TEST_CARDS.succeeds } });
    expect(again.status).to.equal(200);
  });

  it('a declined test card answers 402, records payment_failed and keeps the hold', async () => {
    const seat = s.show.seatIds[3]!;
    const held = await hold(s, [seat]);
    const { checkoutId } = held.body;
    const declined = await s.api.request('POST', `/api/v1/checkouts/${checkoutId}/pay`, { token: s.alice.token, body: { card: '4000 0000 0000 0002' } });
    expect(declined.status).to.equal(402);
    expect(declined.body.error.code).to.equal('PAYMENT_DECLINED');
    expect((await s.stripe.paymentIntents.retrieve(held.body.payment.intentId)).status).to.equal('requires_payment_method');
    const failed = await stripeEventFor(s.stripe, 'payment_intent.payment_failed', held.body.payment.intentId);
    expect((await eventRows(s)).filter((r) => r.checkout_id === checkoutId).map((r) => [r.event_id, r.type])).to.deep.equal([[failed.id, 'payment_intent.payment_failed']]);
    const state = await eventually(async () => {
      const st = await s.deps.temporal.workflow.getHandle(checkoutId).query(statusQuery);
      return st.lastPaymentError ? st : undefined;
    });
    expect(state.lastPaymentError).to.equal('card_declined');
    expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('held');
    expect((await bookingRow(s, checkoutId)).status).to.equal('AWAITING_PAYMENT');
    // (Stripe lets the customer try another card on the same intent; localstripe 1.15.10 cannot
    // confirm an intent again after a failed charge, so the retry is only covered by the mock flow.)
  });

  it('the same webhook delivered twice, also concurrently, has one effect and starts no refund', async () => {
    const held = await hold(s, [s.show.seatIds[4]!]);
    const intentId: string = held.body.payment.intentId;
    const event = await payAtStripe(s.stripe, intentId);
    const [a, b] = await Promise.all([deliver(s, event), deliver(s, event)]);
    expect([a.status, b.status]).to.deep.equal([200, 200]);
    expect([a.body.outcome, b.body.outcome].sort()).to.deep.equal(['applied', 'duplicate']);
    await eventually(async () => (await bookingRow(s, held.body.checkoutId)).status === 'CONFIRMED');
    // A redelivery after the checkout closed is still just a duplicate.
    const third = await deliver(s, event);
    expect(third.body.outcome).to.equal('duplicate');
    expect((await eventRows(s)).filter((r) => r.event_id === event.id)).to.have.length(1);
    let refundStarted = true;
    try {
      await s.deps.temporal.workflow.getHandle(`refund-${intentId}`).describe();
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
      refundStarted = false;
    }
    expect(refundStarted).to.equal(false);
    expect((await s.stripe.refunds.list({ payment_intent: intentId })).data).to.have.length(0);
  });

  it('payment_intent.payment_failed after payment_intent.succeeded never undoes the booking (while confirming, or after confirmation)', async () => {
    // While the workflow is confirming: a row lock on the seat holds confirmSeats inside its transaction.
    const seat = s.show.seatIds[5]!;
    const first = await hold(s, [seat]);
    const handle = s.deps.temporal.workflow.getHandle(first.body.checkoutId);
    const okEvent = await payAtStripe(s.stripe, first.body.payment.intentId);
    const failedEvent = failedEventFrom(okEvent) as { id: string };
    const confirming = async () => (await statementsInProgress(s.deps.ds)).some((q) => /FROM show_seats WHERE id IN .* FOR UPDATE/s.test(q));
    const lock = s.deps.ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.startTransaction();
      await lock.query('SELECT id FROM show_seats WHERE id = ? FOR UPDATE', [seat]);
      expect((await deliver(s, okEvent)).body.outcome).to.equal('applied');
      await eventually(confirming, 10_000);
      expect((await deliver(s, failedEvent)).body.outcome).to.equal('applied');
      // The server holds a signal back while the workflow's task is busy with the confirmation (a local
      // activity), and hands it over when the worker next reports that task alive: then it is in the history.
      await eventually(async () => (await historyStepsMatching(s.deps.temporal, first.body.checkoutId, /^WORKFLOW_EXECUTION_SIGNALED paymentFailed/)).length === 1, 20_000, 200);
      expect(await confirming(), 'confirmSeats still waiting on the lock').to.equal(true);
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }
    const final = await handle.result();
    expect(final).to.include({ status: 'CONFIRMED', lastPaymentError: 'generic_decline' });
    // The failure was taken in before the confirmation was recorded, and changed nothing.
    expect(await historyStepsMatching(s.deps.temporal, first.body.checkoutId, /^(WORKFLOW_EXECUTION_SIGNALED|MARKER_RECORDED (?!core_)|ACTIVITY_TASK_SCHEDULED)/)).to.deep.equal([
      'MARKER_RECORDED reserveSeats',
      'WORKFLOW_EXECUTION_SIGNALED paymentSucceeded',
      'WORKFLOW_EXECUTION_SIGNALED paymentFailed',
      'MARKER_RECORDED confirmSeats',
      'MARKER_RECORDED sendConfirmation',
    ]);

    // After the checkout closed as CONFIRMED: the signal finds no workflow and is dropped. The webhook answers
    // once that is done, so its 200 is the signal that the event was processed.
    const second = await hold(s, [s.show.seatIds[6]!]);
    const okEvent2 = await payAtStripe(s.stripe, second.body.payment.intentId);
    await deliver(s, okEvent2);
    expect((await s.deps.temporal.workflow.getHandle(second.body.checkoutId).result()).status).to.equal('CONFIRMED');
    const lateEvent = failedEventFrom(okEvent2) as { id: string };
    const late = await deliver(s, lateEvent);
    expect(late.status).to.equal(200);
    expect(late.body.outcome).to.equal('applied');
    expect((await eventRows(s)).filter((r) => [failedEvent.id, lateEvent.id].includes(r.event_id)).map((r) => r.type)).to.deep.equal([
      'payment_intent.payment_failed',
      'payment_intent.payment_failed',
    ]);

    for (const held of [first, second]) {
      expect((await bookingRow(s, held.body.checkoutId)).status).to.equal('CONFIRMED');
      expect((await s.stripe.refunds.list({ payment_intent: held.body.payment.intentId })).data).to.have.length(0);
    }
    expect((await seatStatuses(s.deps.ds, [s.show.seatIds[5]!, s.show.seatIds[6]!])).map((r) => r.status)).to.deep.equal(['booked', 'booked']);
  });

  it('a bad signature, a tampered body, a stale timestamp or no signature answers 400 and changes nothing', async () => {
    const seat = s.show.seatIds[7]!;
    const held = await hold(s, [seat]);
    const event = await payAtStripe(s.stripe, held.body.payment.intentId);
    const before = (await eventRows(s)).length;

    const signed = signedWebhook(event);
    const tampered = signed.rawBody.replace(/"amount":\d+/g, '"amount":1');
    expect(tampered).to.not.equal(signed.rawBody);
    const attempts = {
      'wrong secret': deliver(s, event, { secret: 'whsec_someone_else' }),
      'tampered body': s.api.request('POST', WEBHOOK, { rawBody: tampered, headers: signed.headers }),
      'stale timestamp': deliver(s, event, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      'missing header': s.api.request('POST', WEBHOOK, { rawBody: signed.rawBody }),
      'garbage header': s.api.request('POST', WEBHOOK, { rawBody: signed.rawBody, headers: { 'stripe-signature': 'nonsense' } }),
      'unparsable body': s.api.request('POST', WEBHOOK, { rawBody: '{"id": ', headers: signed.headers }),
    };
    for (const [what, pending] of Object.entries(attempts)) {
      const res = await pending;
      expect(res.status, what).to.equal(400);
      expect(res.body.error.code, what).to.equal('VALIDATION_FAILED');
      expect(res.body.error.message, what).to.be.a('string').with.length.greaterThan(0);
    }
    expect((await attempts['missing header']).body.error.details).to.deep.equal({ in: 'header', header: 'stripe-signature' });

    // Each refusal was answered after the handler had finished with that request: nothing of it can still land.
    expect((await eventRows(s)).length).to.equal(before);
    expect((await bookingRow(s, held.body.checkoutId)).status).to.equal('AWAITING_PAYMENT');
    expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('held');

    // The genuine delivery still works.
    expect((await deliver(s, event)).body.outcome).to.equal('applied');
    await eventually(async () => (await bookingRow(s, held.body.checkoutId)).status === 'CONFIRMED');
  });

  it('charge.refunded, payment_intent.canceled and unrelated events are recorded (checkout found from the intent) and change nothing', async () => {
    const held = await hold(s, [s.show.seatIds[8]!]);
    const { checkoutId } = held.body;
    const intentId: string = held.body.payment.intentId;
    await deliver(s, await payAtStripe(s.stripe, intentId));
    await eventually(async () => (await bookingRow(s, checkoutId)).status === 'CONFIRMED');

    // The customer cancels the booking: cancelBookingWorkflow refunds at Stripe.
    const cancelled = await s.api.request('POST', `/api/v1/bookings/${checkoutId}/cancel`, { token: s.alice.token, body: {} });
    expect(cancelled.status).to.be.oneOf([200, 202]);
    await eventually(async () => (await bookingRow(s, checkoutId)).status === 'REFUNDED', 15_000);
    const refunds = await s.stripe.refunds.list({ payment_intent: intentId });
    expect(refunds.data.map((r) => r.amount)).to.deep.equal([held.body.amount]);

    const pi = await s.stripe.paymentIntents.retrieve(intentId);
    // Stripe gives the charge id; localstripe embeds the charge itself.
    const charge = typeof pi.latest_charge === 'string' ? await s.stripe.charges.retrieve(pi.latest_charge) : pi.latest_charge!;
    const refunded = { id: `evt_test_refunded_${checkoutId}`, object: 'event', type: 'charge.refunded', created: Math.floor(Date.now() / 1000), data: { object: charge } };
    const canceled = { id: `evt_test_canceled_${checkoutId}`, object: 'event', type: 'payment_intent.canceled', created: Math.floor(Date.now() / 1000), data: { object: { ...pi, status: 'canceled' } } };
    const other = { id: `evt_test_customer_${checkoutId}`, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_test', object: 'customer' } } };
    for (const e of [refunded, canceled, other]) {
      const res = await deliver(s, e);
      expect(res.status, e.type).to.equal(200);
      expect(res.body.outcome, e.type).to.equal('ignored');
    }
    const rows = (await eventRows(s)).filter((r) => [refunded.id, canceled.id, other.id].includes(r.event_id));
    expect(rows.map((r) => [r.type, r.checkout_id, r.payment_intent_id])).to.deep.equal([
      ['charge.refunded', checkoutId, intentId],
      ['payment_intent.canceled', checkoutId, intentId],
      ['customer.created', null, null],
    ]);
    expect((await bookingRow(s, checkoutId)).status).to.equal('REFUNDED');
    expect((await s.stripe.refunds.list({ payment_intent: intentId })).data).to.have.length(1);
  });

  it('answers 404 when this deployment does not use Stripe', async () => {
    const mockApi = await startTestApi({ ...s.deps, config: { ...s.deps.config, PAYMENTS_PROVIDER: 'mock' } });
    try {
      const { rawBody, headers } = signedWebhook({ id: 'evt_test_mock', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } });
      const res = await mockApi.request('POST', WEBHOOK, { rawBody, headers });
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    } finally {
      await mockApi.close();
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await s.api.request('GET', '/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/webhooks/stripe'].post;
    expect(Object.keys(op.responses)).to.include.members(['200', '400', '404']);
    expect(op.requestBody.content['application/json'].schema).to.be.an('object');
  });
});

describe('Stripe payments: expiry and late payments', function () {
  this.timeout(60_000);
  let s: StripeSuite;

  before(async () => {
    s = await stripeSuite('stripe_expiry', 2);
  });
  after(async () => {
    await s?.close();
  });

  it('an expired hold cancels its PaymentIntent at Stripe and frees the seats', async () => {
    const seat = s.show.seatIds[0]!;
    const held = await hold(s, [seat]);
    expect(held.status).to.equal(201);
    await eventually(async () => (await bookingRow(s, held.body.checkoutId)).status === 'EXPIRED', 10_000);
    expect((await s.stripe.paymentIntents.retrieve(held.body.payment.intentId)).status).to.equal('canceled');
    expect((await seatStatuses(s.deps.ds, [seat]))[0]).to.include({ status: 'available', checkout_id: null });
    const late = await s.api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: s.alice.token, body: { card: STRIPE_TEST_CARDS.succeeds } });
    expect(late.status).to.equal(409);
  });

  it('money that reaches Stripe after the checkout expired is refunded at Stripe; the seats stay free', async () => {
    const seat = s.show.seatIds[1]!;
    const held = await hold(s, [seat]);
    const { checkoutId } = held.body;
    await eventually(async () => (await bookingRow(s, checkoutId)).status === 'EXPIRED', 10_000);

    // A payment for this checkout that Stripe captured anyway (a second intent, e.g. from a stale client).
    const stray = await s.stripe.paymentIntents.create({ amount: held.body.amount, currency: 'usd', metadata: { checkoutId } });
    const event = await payAtStripe(s.stripe, stray.id);
    const res = await deliver(s, event);
    expect(res.status).to.equal(200);
    expect(res.body.outcome).to.equal('applied');

    const refunds = await eventually(async () => {
      const list = await s.stripe.refunds.list({ payment_intent: stray.id });
      return list.data.length > 0 ? list.data : undefined;
    }, 15_000, 200);
    expect(refunds.map((r) => r.amount)).to.deep.equal([held.body.amount]);
    expect((await s.deps.payments.getIntent(stray.id)).state).to.equal('refunded');
    expect(await s.deps.temporal.workflow.getHandle(`refund-${stray.id}`).result()).to.equal('refunded');
    const booking = await bookingRow(s, checkoutId);
    expect(booking.status).to.equal('EXPIRED');
    expect(booking.reason).to.match(/^late payment refunded/);
    expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('available');
    // Stripe retries the webhook: still one refund.
    expect((await deliver(s, event)).body.outcome).to.equal('duplicate');
    expect((await s.stripe.refunds.list({ payment_intent: stray.id })).data).to.have.length(1);
  });
});
