import { expect } from 'chai';
import { STRIPE_TEST_CARDS } from '../../../payments/stripe-provider.js';
import type { TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startPrivateLocalstripe, stripeTestDeps, type PrivateLocalstripe } from '../../support/localstripe.js';
import { startTestWorker, terminateOpenCheckouts, type TestWorker } from '../../support/worker.js';

const TTL_SECONDS = 5;

/**
 * A hold whose payment intent comes late (Stripe unreachable for longer than
 * the hold's TTL, but within the step's budget). Found by the chaos soak: the
 * hold answered 201 with an expiresAt already past, so the customer was
 * charged for seats another buyer could take, and refunded. Now the time the
 * step lost is given back to the hold; a hold that lost seats meanwhile
 * answers 503 and keeps nothing.
 */
describe('a hold whose payment intent comes late (private localstripe, stopped past the hold TTL)', function () {
  this.timeout(90_000);
  let ls: PrivateLocalstripe;
  let deps: TestDeps;
  let worker: TestWorker;
  let api: TestApi;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ls = await startPrivateLocalstripe();
    deps = await stripeTestDeps('stripe_late_intent', ls.url, { HOLD_TTL_SECONDS: String(TTL_SECONDS) });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
    alice = await createUser(deps);
    bob = await createUser(deps);
  });
  after(async () => {
    await api?.close();
    if (deps) await terminateOpenCheckouts(deps);
    await worker?.stop();
    await deps?.close();
    await ls?.stop();
  });

  const hold = (user: TestUser, seatIds: number[]) => api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } });
  const heldUntil = async (seatIds: number[]): Promise<{ checkout_id: string | null; held_until: Date | null }[]> =>
    deps.ds.query(`SELECT checkout_id, held_until FROM show_seats WHERE id IN (${seatIds.map(() => '?').join(',')}) ORDER BY id`, seatIds);
  /** Stripe comes back once the seats' hold has run out (by the database's own clock). */
  const outlastHold = async (seatIds: number[]) => {
    await eventually(async () => {
      const rows = await heldUntil(seatIds);
      const [{ now }] = await deps.ds.query('SELECT UTC_TIMESTAMP(3) AS now');
      return rows.every((r) => r.held_until !== null && r.held_until < now);
    }, 30_000);
  };

  it('Stripe back after the TTL: 201 with time left to pay from the answer; seats and booking held until then; paying confirms', async () => {
    const seats = show.seatIds.slice(0, 2);
    await ls.stop();
    const pending = hold(alice, seats);
    await outlastHold(seats);
    await ls.start();
    const res = await pending;
    const answeredAt = Date.now();
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt, 'the hold ends after the answer').to.be.above(answeredAt);
    expect((await heldUntil(seats)).map((r) => [r.checkout_id, r.held_until!.getTime()])).to.deep.equal(seats.map(() => [res.body.checkoutId, expiresAt]));
    const [booking] = await deps.ds.query('SELECT hold_expires_at FROM bookings WHERE id = ?', [res.body.checkoutId]);
    expect(booking.hold_expires_at.getTime()).to.equal(expiresAt);
    const paid = await api.request('POST', `/api/v1/checkouts/${res.body.checkoutId}/pay`, { token: alice.token, body: { card: STRIPE_TEST_CARDS.succeeds } });
    expect(paid.body.status, JSON.stringify(paid.body)).to.equal('CONFIRMED');
  });

  it('Stripe back after another buyer took the run-out seats: 503 PAYMENT_PROVIDER_ERROR, the checkout FAILED, the seats the other buyer’s', async () => {
    const seats = show.seatIds.slice(2, 4);
    await ls.stop();
    const first = hold(alice, seats);
    await outlastHold(seats);
    const second = hold(bob, seats);
    // Bob's hold takes over the seats Alice's hold no longer keeps (it too waits for Stripe).
    const aliceCheckout = await eventually(async () => {
      const rows = await heldUntil(seats);
      const [{ id }] = await deps.ds.query('SELECT id FROM bookings WHERE user_id = ? ORDER BY created_at DESC LIMIT 1', [alice.id]);
      return rows.every((r) => r.checkout_id !== null && r.checkout_id !== id) && (id as string);
    }, 30_000);
    await ls.start();
    const [lost, won] = await Promise.all([first, second]);
    expect(lost.status, JSON.stringify(lost.body)).to.equal(503);
    expect(lost.body.error.code).to.equal('PAYMENT_PROVIDER_ERROR');
    expect(won.status, JSON.stringify(won.body)).to.equal(201);
    expect((await seatStatuses(deps.ds, seats)).map((s) => [s.status, s.checkout_id])).to.deep.equal(seats.map(() => ['held', won.body.checkoutId]));
    await eventually(async () => (await deps.ds.query('SELECT status FROM bookings WHERE id = ?', [aliceCheckout]))[0].status === 'FAILED');
  });
});
