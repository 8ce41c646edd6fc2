import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../db/data-source.js';
import { waitlistWorkflowId } from '../../../workflows/contracts.js';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { historySteps } from '../../support/history.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { sharedMailCatcher } from '../../support/mail.js';
import { spawnWorker, type ServiceProcess } from '../../support/processes.js';
import { terminateWaitlists } from '../../support/worker.js';

/**
 * A worker killed with SIGKILL in the middle of an offer, with the real worker
 * as a child process (worker/main.ts). The offer is held at a chosen point by
 * a row lock the test takes, so the kill lands there every time, while the
 * offer's transaction is being written; or the kill follows the offer's
 * commit within milliseconds, before its checkout could be started, paid for
 * and announced. A new worker finishes the offer: one offer, its seats held
 * by it alone, one payment intent, one email.
 */
describe('waitlist across a worker crash (SIGKILL mid-offer)', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  /** A second pool, for the locks the test holds while the worker waits on them. */
  let locker: DataSource;
  let seller: TestUser;
  const workers: ServiceProcess[] = [];

  before(async () => {
    deps = await createTestDeps('waitlist_crash', { config: { MAX_OPEN_CHECKOUTS_PER_USER: '100', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100' } });
    api = await startTestApi(deps);
    locker = createDataSource({ url: deps.config.DATABASE_URL, poolSize: 2 });
    await locker.initialize();
    seller = await createUser(deps);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  after(async () => {
    if (deps) await terminateWaitlists(deps);
    await locker?.destroy();
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

  /**
   * Runs `fn` inside a transaction of the test's own pool; `taken` resolves once `fn`'s locks are
   * taken, `waitedOn` tells whether another transaction is waiting on them, `release` ends it.
   */
  function lockWhile(fn: (tx: { query: DataSource['query'] }) => Promise<unknown>): { taken: Promise<void>; waitedOn: () => Promise<boolean>; release: () => Promise<void> } {
    let letGo!: () => void;
    const until = new Promise<void>((resolve) => (letGo = resolve));
    let taken!: (connectionId: number) => void;
    const tookIt = new Promise<number>((resolve) => (taken = resolve));
    const done = locker.transaction(async (tx) => {
      await fn(tx);
      const [{ id }] = await tx.query('SELECT CONNECTION_ID() AS id');
      taken(Number(id));
      await until;
    });
    return {
      taken: tookIt.then(() => undefined),
      waitedOn: async () => {
        const waits: unknown[] = await deps.ds.query(
          `SELECT 1 FROM information_schema.innodb_lock_waits w JOIN information_schema.innodb_trx t ON t.trx_id = w.blocking_trx_id
            WHERE t.trx_mysql_thread_id = ?`,
          [await tookIt],
        );
        return waits.length > 0;
      },
      release: async () => {
        letGo();
        await done;
      },
    };
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
    const [{ n }] = await deps.ds.query('SELECT COUNT(*) AS n FROM mock_payment_intents WHERE checkout_id = ?', [offerId]);
    expect(Number(n), 'one payment intent for the offer').to.equal(1);
    const emails = await sharedMailCatcher().waitFor(buyer.email);
    expect(emails.map((m) => m.subject).filter((s) => /^Seats held for you/.test(s)), 'one offer email').to.have.length(1);
    return offerId;
  }

  it('killed while the offer is being written: the new worker writes it once', async () => {
    const buyer = await createUser(deps);
    const first = await worker();
    const { show, bookings, entryId } = await soldOutWithLine(buyer);
    // The offer inserts the buyer's booking, whose foreign key needs the buyer's row: it waits on this lock.
    const lock = lockWhile((tx) => tx.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [buyer.id]));
    await lock.taken;
    await api.request('POST', `/api/v1/bookings/${bookings[0]}/cancel`, { token: seller.token, body: {} });
    // The seats went to the line (held for it), and the offer's transaction is waiting on the lock.
    await eventually(async () => {
      const rows: { checkout_id: string }[] = await deps.ds.query('SELECT checkout_id FROM show_seats WHERE id IN (?, ?)', show.seatIds.slice(0, 2));
      return rows.every((r) => r.checkout_id === 'waitlist');
    });
    await eventually(lock.waitedOn, 60_000).catch(async (e: unknown) => {
      // What the offer was doing instead, for whoever reads the failure.
      const trx = await deps.ds.query('SELECT trx_state, trx_query, trx_mysql_thread_id FROM information_schema.innodb_trx');
      const entry = await deps.ds.query('SELECT status, offer_checkout_id FROM waitlist_entries WHERE id = ?', [entryId]);
      const line = await historySteps(deps.temporal, waitlistWorkflowId(deps.config.TASK_QUEUE, show.showtimeId));
      throw new Error(`${String(e)}; transactions ${JSON.stringify(trx)}; entry ${JSON.stringify(entry)}; waitlist history ${line.join(' | ')}`);
    });
    expect(await first.kill('SIGKILL')).to.equal(null);
    await lock.release();
    const [{ entries }] = await deps.ds.query("SELECT COUNT(*) AS entries FROM waitlist_entries WHERE id = ? AND status = 'waiting'", [entryId]);
    expect(Number(entries), 'the killed transaction wrote nothing').to.equal(1);

    await worker();
    await exactlyOneOffer(buyer, show, entryId, show.seatIds.slice(0, 2));
  });

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
