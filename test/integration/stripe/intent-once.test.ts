import { expect } from 'chai';
import type Stripe from 'stripe';
import { newCheckoutId } from '../../../core/ids.js';
import type { TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startPrivateLocalstripe, stripeTestDeps, testStripeClient, type PrivateLocalstripe } from '../../support/localstripe.js';
import { testActivities } from '../../support/worker.js';

/**
 * One payment intent per checkout even when the provider ignores the
 * idempotency key, as localstripe does (Stripe honours it): the hold's step
 * can run twice at once, when an attempt is abandoned at its timeout and
 * keeps running beside its retry. Found by the chaos soak: the booking
 * recorded one intent, the buyer was given and paid another.
 */
describe('payment intent step: one intent per checkout (private localstripe, which ignores idempotency keys)', function () {
  this.timeout(60_000);
  let ls: PrivateLocalstripe;
  let deps: TestDeps;
  let stripe: Stripe;
  let show: ShowtimeFixture;
  let alice: TestUser;

  before(async () => {
    ls = await startPrivateLocalstripe();
    deps = await stripeTestDeps('stripe_intent_once', ls.url);
    stripe = testStripeClient(ls.url);
    show = await createShowtime(deps.ds);
    alice = await createUser(deps);
  });
  after(async () => {
    await deps?.close();
    await ls?.stop();
  });

  it('attempts that each made an intent all answer the one the booking recorded; the others are voided', async () => {
    const activities = testActivities(deps);
    const checkoutId = newCheckoutId();
    const held = await activities.holdSeats({ checkoutId, userId: alice.id, showtimeId: show.showtimeId, seatIds: [show.seatIds[0]!], idempotencyKey: null });
    const step = () => activities.createPaymentIntent({ checkoutId, amount: held.amount, currency: held.currency });
    const answers = [...(await Promise.all([step(), step()])), await step()];

    const intents = (await stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.metadata?.checkoutId === checkoutId);
    expect(intents, 'localstripe made an intent per attempt').to.have.length(3);
    const [{ payment_intent_id: recorded }] = await deps.ds.query('SELECT payment_intent_id FROM bookings WHERE id = ?', [checkoutId]);
    for (const answer of answers) expect(answer).to.include({ intentId: recorded, clientSecret: intents.find((pi) => pi.id === recorded)!.client_secret });
    expect(intents.filter((pi) => pi.id !== recorded).map((pi) => pi.status)).to.deep.equal(['canceled', 'canceled']);
    expect(intents.find((pi) => pi.id === recorded)!.status).to.equal('requires_payment_method');
  });
});
