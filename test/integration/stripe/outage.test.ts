import { msToNumber } from '@temporalio/common';
import { expect } from 'chai';
import type Stripe from 'stripe';
import type { PaymentProvider } from '../../../payments/index.js';
import { activityOptions, HOLD_BUDGET } from '../../../workflows/activity-options.js';
import type { TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startPrivateLocalstripe, stripeTestDeps, testStripeClient, type PrivateLocalstripe } from '../../support/localstripe.js';
import { startTestWorker, terminateOpenCheckouts, type TestWorker } from '../../support/worker.js';

const HOLD = activityOptions.hold;

/** How many attempts the hold's retry policy can start within its budget when every attempt fails at once. */
function attemptsWithinBudget(): number {
  let attempts = 0;
  let wait = msToNumber(HOLD.retry.initialInterval);
  for (let t = 0; t < msToNumber(HOLD_BUDGET); t += wait, wait = Math.min(wait * HOLD.retry.backoffCoefficient, msToNumber(HOLD.retry.maximumInterval))) attempts++;
  return attempts;
}

/** The provider, recording how each intent creation the hold attempted ended, in order. */
function recordingAttempts(provider: PaymentProvider): { provider: PaymentProvider; attempts: ('created' | 'failed')[] } {
  const attempts: ('created' | 'failed')[] = [];
  const wrapped = Object.assign(Object.create(provider) as PaymentProvider, {
    async createIntent(input: Parameters<PaymentProvider['createIntent']>[0]) {
      try {
        const ref = await provider.createIntent(input);
        attempts.push('created');
        return ref;
      } catch (e) {
        attempts.push('failed');
        throw e;
      }
    },
  });
  return { provider: wrapped, attempts };
}

describe('Stripe outage during a hold (private localstripe, stopped and restarted)', function () {
  // Each test waits at most for the hold's whole retry budget, plus setup.
  this.timeout(msToNumber(HOLD_BUDGET) + 60_000);
  let ls: PrivateLocalstripe;
  let deps: TestDeps;
  let worker: TestWorker;
  let api: TestApi;
  let stripe: Stripe;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let attempts: ('created' | 'failed')[];

  before(async () => {
    ls = await startPrivateLocalstripe();
    deps = await stripeTestDeps('stripe_outage', ls.url, { HOLD_TTL_SECONDS: '60' });
    ({ provider: deps.payments, attempts } = recordingAttempts(deps.payments));
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    stripe = testStripeClient(ls.url);
    show = await createShowtime(deps.ds);
    alice = await createUser(deps);
  });
  after(async () => {
    await api?.close();
    if (deps) await terminateOpenCheckouts(deps);
    await worker?.stop();
    await deps?.close();
    await ls?.stop();
  });

  const hold = (seatIds: number[]) => api.request('POST', '/api/v1/checkouts', { token: alice.token, body: { showtimeId: show.showtimeId, seatIds } });
  const bookings = async (): Promise<{ id: string; status: string; reason: string | null; payment_intent_id: string | null }[]> =>
    deps.ds.query('SELECT id, status, reason, payment_intent_id FROM bookings ORDER BY created_at');

  it('Stripe down for the whole budget: retried while the budget lasts, then 503 PAYMENT_PROVIDER_ERROR, the checkout FAILED, its seats free again', async () => {
    const seats = show.seatIds.slice(0, 2);
    await ls.stop();
    attempts.length = 0;
    const res = await hold(seats);
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('PAYMENT_PROVIDER_ERROR');
    // Retried, and bounded by the budget: never more attempts than the retry policy fits into it.
    expect(attempts.length, attempts.join()).to.be.within(2, attemptsWithinBudget());
    expect(attempts.every((a) => a === 'failed'), attempts.join()).to.equal(true);
    // The workflow answers the update, then releases (a few ms later).
    await eventually(async () => (await seatStatuses(deps.ds, seats)).every((s) => s.status === 'available' && s.checkout_id === null), 5_000);
    const booking = await eventually(async () => (await bookings()).find((b) => b.status === 'FAILED'), 5_000);
    expect(booking).to.include({ reason: 'payment provider unavailable', payment_intent_id: null });
    // The seats can be held again as soon as Stripe is back.
    await ls.start();
    const retry = await hold(seats);
    expect(retry.status).to.equal(201);
    await api.request('POST', `/api/v1/checkouts/${retry.body.checkoutId}/cancel`, { token: alice.token, body: {} });
  });

  it('Stripe down for a moment within the budget: an attempt fails, the retry after Stripe is back creates the intent, 201', async () => {
    const seats = show.seatIds.slice(2, 4);
    await ls.stop();
    attempts.length = 0;
    const pending = hold(seats);
    await eventually(async () => attempts.includes('failed'), msToNumber(HOLD_BUDGET));
    await ls.start();
    const res = await pending;
    expect(res.status).to.equal(201);
    expect(attempts.length, attempts.join()).to.be.at.least(2);
    expect(attempts, attempts.join()).to.deep.equal([...attempts.slice(0, -1).map(() => 'failed'), 'created']);
    const pi = await stripe.paymentIntents.retrieve(res.body.payment.intentId);
    expect(pi.metadata.checkoutId).to.equal(res.body.checkoutId);
    expect(pi.amount).to.equal(res.body.amount);
    expect((await seatStatuses(deps.ds, seats)).map((s) => s.status)).to.deep.equal(['held', 'held']);
    const cancelled = await api.request('POST', `/api/v1/checkouts/${res.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    expect(cancelled.body.status).to.equal('CANCELLED');
    expect((await stripe.paymentIntents.retrieve(res.body.payment.intentId)).status).to.equal('canceled');
  });
});
