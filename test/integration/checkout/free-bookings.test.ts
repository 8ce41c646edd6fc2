import { expect } from 'chai';
import type Stripe from 'stripe';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { sharedLocalstripe, stripeTestDeps, testStripeClient } from '../../support/localstripe.js';
import { createPromoCode } from '../../support/promo-codes.js';
import { startTestWorker, terminateOpenCheckouts, type TestWorker } from '../../support/worker.js';

/** A deployment with a worker, the API, an admin, a showtime and a customer. */
interface Suite {
  deps: TestDeps;
  api: TestApi;
  worker: TestWorker;
  show: ShowtimeFixture;
  admin: TestUser;
  alice: TestUser;
}

async function suite(deps: TestDeps): Promise<Suite> {
  const worker = await startTestWorker(deps);
  const api = await startTestApi(deps);
  const admin = await createUser(deps, 'admin');
  await createPromoCode(api, admin, { code: 'ONTHEHOUSE', kind: 'percent', value: 100 });
  // 1200 − 1170: 30 cents left to pay, less than Stripe charges.
  await createPromoCode(api, admin, { code: 'ALMOST', kind: 'fixed', value: 1170 });
  return { deps, api, worker, admin, show: await createShowtime(deps.ds, { basePrice: 1200 }), alice: await createUser(deps) };
}

const post = (s: Suite, path: string, body: unknown = {}) => s.api.request('POST', `/api/v1${path}`, { token: s.alice.token, body });
const holdFree = (s: Suite, seatIds: number[]) => post(s, '/checkouts', { showtimeId: s.show.showtimeId, seatIds, promoCode: 'ONTHEHOUSE' });
const bookingRow = async (s: Suite, id: string): Promise<{ status: string; amount: number; payment_provider: string; payment_intent_id: string }> =>
  (await s.deps.ds.query('SELECT status, amount, payment_provider, payment_intent_id FROM bookings WHERE id = ?', [id]))[0];
const ledgerIntent = async (s: Suite, id: string): Promise<{ status: string; amount: number } | undefined> =>
  (await s.deps.ds.query('SELECT status, amount FROM ledger_payment_intents WHERE id = ?', [id]))[0];

/** Holds one seat free, checks it is the free provider's, and confirms it without a card. */
async function bookFree(s: Suite, seatId: number): Promise<string> {
  const held = await holdFree(s, [seatId]);
  expect(held.status, JSON.stringify(held.body)).to.equal(201);
  expect(held.body).to.deep.include({ amount: 0, status: 'AWAITING_PAYMENT' });
  expect(held.body.payment.provider).to.equal('free');
  const paid = await post(s, `/checkouts/${held.body.checkoutId}/pay`);
  expect(paid.status, JSON.stringify(paid.body)).to.equal(200);
  expect(paid.body).to.deep.include({ status: 'CONFIRMED', amount: 0 });
  return held.body.checkoutId;
}

/**
 * A discount that covers the whole booking: no provider is asked to charge
 * nothing (Stripe refuses amounts below its minimum), the intent is
 * Marquee's own, and the buyer confirms without a card.
 */
describe('free bookings (real MySQL, real Temporal)', function () {
  this.timeout(120_000);

  describe('on the default (mock) deployment', () => {
    let s: Suite;
    before(async () => {
      s = await suite(await createTestDeps('free_bookings', { config: { HOLD_TTL_SECONDS: '6' } }));
    });
    after(async () => {
      await s?.api.close();
      if (s) await terminateOpenCheckouts(s.deps);
      await s?.worker.stop();
      await s?.deps.close();
    });

    it('confirms without a card: the intent is the free ledger’s, paid, and its event went the one ingestion path', async () => {
      const [seat] = s.show.seatIds;
      const id = await bookFree(s, seat!);
      const row = await bookingRow(s, id);
      expect(row).to.deep.include({ status: 'CONFIRMED', amount: 0, payment_provider: 'free' });
      expect(row.payment_intent_id).to.match(/^free_/);
      expect(await ledgerIntent(s, row.payment_intent_id)).to.deep.equal({ status: 'succeeded', amount: 0 });
      const events = await s.deps.ds.query('SELECT provider, type FROM payment_events WHERE checkout_id = ?', [id]);
      expect(events).to.deep.equal([{ provider: 'free', type: 'payment_intent.succeeded' }]);
      expect((await seatStatuses(s.deps.ds, [seat!]))[0]!.status).to.equal('booked');
      const again = await post(s, `/checkouts/${id}/pay`);
      expect(again.status, 'paying twice answers the booking').to.equal(200);
      expect(again.body.status).to.equal('CONFIRMED');
    });

    it('a checkout that costs something still needs a card: 400 and nothing changes', async () => {
      const seat = s.show.seatIds[1]!;
      const held = await post(s, '/checkouts', { showtimeId: s.show.showtimeId, seatIds: [seat] });
      expect(held.status).to.equal(201);
      expect(held.body.payment.provider).to.equal('mock');
      const refused = await post(s, `/checkouts/${held.body.checkoutId}/pay`);
      expect(refused.status).to.equal(400);
      expect(refused.body.error).to.deep.include({ code: 'VALIDATION_FAILED', details: { in: 'body', field: 'card' } });
      expect((await bookingRow(s, held.body.checkoutId)).status).to.equal('AWAITING_PAYMENT');
      expect(await ledgerIntent(s, held.body.payment.intentId)).to.deep.include({ status: 'requires_payment_method' });
      const paid = await post(s, `/checkouts/${held.body.checkoutId}/pay`, { card: MOCK_CARDS.succeeds });
      expect(paid.body.status).to.equal('CONFIRMED');
    });

    it('a cancelled free booking is "refunded" nothing: REFUNDED, seats released, the intent marked refunded', async () => {
      const seat = s.show.seatIds[2]!;
      const id = await bookFree(s, seat);
      const cancelled = await post(s, `/bookings/${id}/cancel`, { reason: 'cannot come' });
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      expect(cancelled.body.status).to.equal('REFUNDED');
      expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('available');
      expect(await ledgerIntent(s, (await bookingRow(s, id)).payment_intent_id)).to.deep.include({ status: 'refunded' });
    });

    it('a code that leaves 30 cents is fine where any amount can be charged', async () => {
      const held = await post(s, '/checkouts', { showtimeId: s.show.showtimeId, seatIds: [s.show.seatIds[4]!], promoCode: 'ALMOST' });
      expect(held.status, JSON.stringify(held.body)).to.equal(201);
      expect(held.body).to.deep.include({ amount: 30 });
      expect(held.body.payment.provider).to.equal('mock');
    });

    it('a free hold nobody confirms expires like any other: EXPIRED, seat released, the intent cancelled', async () => {
      const seat = s.show.seatIds[3]!;
      const held = await holdFree(s, [seat]);
      expect(held.status).to.equal(201);
      await eventually(async () => (await bookingRow(s, held.body.checkoutId)).status === 'EXPIRED', 30_000);
      expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('available');
      expect(await ledgerIntent(s, held.body.payment.intentId)).to.deep.include({ status: 'canceled' });
    });
  });

  describe('on a Stripe deployment (localstripe)', () => {
    let s: Suite;
    let stripe: Stripe;
    let closeLocalstripe: () => Promise<void>;
    before(async () => {
      const ls = await sharedLocalstripe();
      closeLocalstripe = () => ls.close();
      stripe = testStripeClient(ls.url);
      s = await suite(await stripeTestDeps('free_bookings_stripe', ls.url));
    });
    after(async () => {
      await s?.api.close();
      if (s) await terminateOpenCheckouts(s.deps);
      await s?.worker.stop();
      await s?.deps.close();
      await closeLocalstripe?.();
    });

    it('confirms without asking Stripe for anything; a paid checkout beside it still goes to Stripe', async () => {
      const id = await bookFree(s, s.show.seatIds[0]!);
      const atStripe = (await stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.metadata?.checkoutId === id);
      expect(atStripe, 'no intent at Stripe for a free booking').to.deep.equal([]);
      expect((await bookingRow(s, id)).payment_provider).to.equal('free');

      const paid = await post(s, '/checkouts', { showtimeId: s.show.showtimeId, seatIds: [s.show.seatIds[1]!] });
      expect(paid.status).to.equal(201);
      expect(paid.body.payment.provider).to.equal('stripe');
      expect(paid.body.payment.intentId).to.match(/^pi_/);
    });

    it('a code that would leave less than Stripe charges is refused before Stripe is asked: 422 below-minimum-charge, nothing held or redeemed', async () => {
      const seat = s.show.seatIds[2]!;
      const before = { bookings: await s.deps.ds.query('SELECT COUNT(*) AS n FROM bookings'), redemptions: await s.deps.ds.query('SELECT redemptions FROM promo_codes WHERE code = ?', ['ALMOST']) };
      const refused = await post(s, '/checkouts', { showtimeId: s.show.showtimeId, seatIds: [seat], promoCode: 'almost' });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
      expect(refused.body.error).to.deep.include({ code: 'PROMO_CODE_INVALID', details: { code: 'ALMOST', reason: 'below-minimum-charge' } });
      expect((await seatStatuses(s.deps.ds, [seat]))[0]!.status).to.equal('available');
      expect({ bookings: await s.deps.ds.query('SELECT COUNT(*) AS n FROM bookings'), redemptions: await s.deps.ds.query('SELECT redemptions FROM promo_codes WHERE code = ?', ['ALMOST']) }).to.deep.equal(before);
      const atStripe = (await stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.amount === 30);
      expect(atStripe, 'Stripe was never asked for 30 cents').to.deep.equal([]);
    });
  });
});
