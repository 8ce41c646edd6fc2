import { expect } from 'chai';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { sharedMailCatcher } from '../../support/mail.js';
import { spawnWorker, type ServiceProcess } from '../../support/processes.js';
import { terminateWaitlists } from '../../support/worker.js';

/**
 * A worker killed with SIGKILL in the middle of an offer, with the real worker
 * as a child process (worker/main.ts): the kill follows the offer's commit
 * within milliseconds, before its checkout could be started, paid for and
 * announced. A new worker finishes the offer: one offer, its seats held by it
 * alone, one payment intent, one email.
 */
describe('waitlist across a worker crash (SIGKILL mid-offer)', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  let seller: TestUser;
  const workers: ServiceProcess[] = [];

  before(async () => {
    deps = await createTestDeps('waitlist_crash', { config: { MAX_OPEN_CHECKOUTS_PER_USER: '100', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100' } });
    api = await startTestApi(deps);
    seller = await createUser(deps);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  after(async () => {
    if (deps) await terminateWaitlists(deps);
    await api?.close();
    await deps?.close();
  });

  const worker = async () => {
    const w = await spawnWorker(deps.config);
    workers.push(w);
    return w;
  };

  /** A sold-out showtime of four seats (two bookings of two) with `buyer` first in its line for two. */
  async function soldOutWithLine(buyer: TestUser): Promise<{ show: ShowtimeFixture; bookings: string[]; entryId: string }> {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    const bookings = [
      await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(0, 2)),
      await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(2, 4)),
    ];
    const joined = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: buyer.token, body: { count: 2 } });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    return { show, bookings, entryId: joined.body.waitlistId };
  }

  /** What must hold once the new worker has finished the offer. */
  async function exactlyOneOffer(buyer: TestUser, show: ShowtimeFixture, entryId: string, seatIds: number[]) {
    const offerId = await eventually(async () => {
      const e = (await api.request('GET', `/api/v1/waitlist/${entryId}`, { token: buyer.token })).body;
      if (!e.offer) return undefined;
      const c = (await api.request('GET', `/api/v1/checkouts/${e.offer.checkoutId}`, { token: buyer.token })).body;
      return c.status === 'AWAITING_PAYMENT' ? (e.offer.checkoutId as string) : undefined;
    }, 60_000);
    const open: { id: string }[] = await deps.ds.query("SELECT id FROM bookings WHERE user_id = ? AND showtime_id = ? AND status IN ('HOLDING', 'AWAITING_PAYMENT')", [
      buyer.id,
      show.showtimeId,
    ]);
    expect(open.map((b) => b.id)).to.deep.equal([offerId]);
    const held: { id: number; checkout_id: string }[] = await deps.ds.query(
      "SELECT id, checkout_id FROM show_seats WHERE showtime_id = ? AND status = 'held' ORDER BY id",
      [show.showtimeId],
    );
    expect(held.map((s) => [s.id, s.checkout_id])).to.deep.equal(seatIds.map((id) => [id, offerId]));
    const [{ n }] = await deps.ds.query('SELECT COUNT(*) AS n FROM ledger_payment_intents WHERE checkout_id = ?', [offerId]);
    expect(Number(n), 'one payment intent for the offer').to.equal(1);
    const emails = await sharedMailCatcher().waitFor(buyer.email);
    expect(emails.map((m) => m.subject).filter((s) => /^Seats held for you/.test(s)), 'one offer email').to.have.length(1);
    return offerId;
  }

  it('killed right after the offer was written, before its buyer was told: the new worker finishes it once', async () => {
    const buyer = await createUser(deps);
    const first = await worker();
    const { show, bookings, entryId } = await soldOutWithLine(buyer);
    await api.request('POST', `/api/v1/bookings/${bookings[1]}/cancel`, { token: seller.token, body: {} });
    // Polled without pause: the kill lands within milliseconds of the offer's commit, before the several
    // workflow tasks that start its checkout, create its payment intent and announce it.
    let offerId: string | null = null;
    while (!offerId) {
      const [e]: { status: string; offer_checkout_id: string | null }[] = await deps.ds.query('SELECT status, offer_checkout_id FROM waitlist_entries WHERE id = ?', [entryId]);
      if (e?.status === 'offered') offerId = e.offer_checkout_id;
    }
    expect(await first.kill('SIGKILL')).to.equal(null);
    const [{ told }] = await deps.ds.query("SELECT COUNT(*) AS told FROM notifications WHERE waitlist_entry_id = ? AND kind = 'waitlist_offer'", [entryId]);
    expect(Number(told), 'the worker died before the buyer was told').to.equal(0);

    await worker();
    expect(await exactlyOneOffer(buyer, show, entryId, show.seatIds.slice(2, 4))).to.equal(offerId);
  });
});
