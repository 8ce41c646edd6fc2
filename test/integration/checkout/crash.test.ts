import { expect } from 'chai';
import { statementsInProgress } from '../../support/database.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUsers, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { spawnWorker, type ServiceProcess } from '../../support/processes.js';

const HOLD_TTL_SECONDS = 8;

describe('worker crash mid-checkout', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  const workers: ServiceProcess[] = [];
  let show: ShowtimeFixture;
  let users: TestUser[];

  before(async () => {
    deps = await createTestDeps('checkout_crash', { config: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) } });
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds, { layout: Array.from({ length: 10 }, () => 'RRRRRRRRRR') });
    users = await createUsers(deps, 50);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await api?.close();
    await deps?.close();
  });

  it('SIGKILL with 50 checkouts in flight: a new worker ends every one correctly, nothing held, nothing booked twice', async () => {
    workers.push(await spawnWorker(deps.config));
    // 50 open checkouts of 1 or 2 seats each.
    const checkouts = await Promise.all(
      users.map(async (u, i) => {
        const seatIds = i % 2 === 0 ? [show.seatIds[i]!] : [show.seatIds[i]!, show.seatIds[50 + i]!];
        const res = await api.request('POST', '/api/v1/checkouts', { token: u.token, body: { showtimeId: show.showtimeId, seatIds } });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return { user: u, id: res.body.checkoutId as string, seatIds };
      }),
    );
    // 20 get paid, 10 cancelled, 20 left to expire; the worker dies while some of those requests are in flight.
    const paying = checkouts.slice(0, 20);
    const cancelling = checkouts.slice(20, 30);
    const expiring = checkouts.slice(30);
    // Half of the payments and cancellations are held inside their seat transaction by row locks the test
    // takes, so that when the worker dies they are provably received and unprocessed.
    const stuck = [...paying.slice(10), ...cancelling.slice(5)];
    const done = [...paying.slice(0, 10), ...cancelling.slice(0, 5)];
    const lock = deps.ds.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    // One primary-key lookup per seat locks that row alone (a multi-row FOR UPDATE may scan, and lock, an index).
    for (const seat of stuck.flatMap((c) => c.seatIds)) await lock.query('SELECT id FROM show_seats WHERE id = ? FOR UPDATE', [seat]);
    const inFlight = [
      ...paying.map((c) => api.request('POST', `/api/v1/checkouts/${c.id}/pay`, { token: c.user.token, body: { card: '4242424242424242' } })),
      ...cancelling.map((c) => api.request('POST', `/api/v1/checkouts/${c.id}/cancel`, { token: c.user.token, body: {} })),
    ];
    const statuses = async (): Promise<Map<string, string>> => {
      const rows: { id: string; status: string }[] = await deps.ds.query('SELECT id, status FROM bookings WHERE showtime_id = ?', [show.showtimeId]);
      return new Map(rows.map((r) => [r.id, r.status]));
    };
    const expectedAfterRequest = (c: (typeof checkouts)[number]) => (paying.includes(c) ? 'CONFIRMED' : 'CANCELLED');
    await eventually(async () => {
      const now = await statuses();
      return done.every((c) => now.get(c.id) === expectedAfterRequest(c));
    }, 60_000, 50);
    // The other fifteen seat steps have started and wait on the locks: ten confirmations (by seat id), five releases (by checkout).
    await eventually(async () => {
      const waiting = await statementsInProgress(deps.ds);
      const confirming = waiting.filter((q) => /FROM show_seats WHERE id IN .* FOR UPDATE/s.test(q)).length;
      const releasing = waiting.filter((q) => /FROM show_seats WHERE checkout_id = .* FOR UPDATE/s.test(q)).length;
      return confirming === 10 && releasing === 5;
    }, 60_000, 100);
    expect(await workers[0]!.kill('SIGKILL')).to.equal(null);

    // At the crash: ten paid and five cancelled were done; the other fifteen requests had reached their workflow
    // but their seat step had not committed; the rest had not been touched (or had begun to expire).
    const atCrash = await statuses();
    await lock.rollbackTransaction();
    await lock.release();
    for (const c of done) expect(atCrash.get(c.id), c.id).to.equal(expectedAfterRequest(c));
    for (const c of stuck) expect(atCrash.get(c.id), c.id).to.equal('AWAITING_PAYMENT');
    for (const c of expiring) expect(atCrash.get(c.id), c.id).to.be.oneOf(['AWAITING_PAYMENT', 'EXPIRED']);
    expect(new Set(atCrash.values())).to.include.all.keys('CONFIRMED', 'CANCELLED', 'AWAITING_PAYMENT');
    const replies = await Promise.all(inFlight);
    expect(replies.every((r) => [200, 202].includes(r.status)), JSON.stringify(replies.map((r) => r.status))).to.equal(true);

    workers.push(await spawnWorker(deps.config));
    const expected = new Map<string, string>([
      ...paying.map((c) => [c.id, 'CONFIRMED'] as const),
      ...cancelling.map((c) => [c.id, 'CANCELLED'] as const),
      ...expiring.map((c) => [c.id, 'EXPIRED'] as const),
    ]);
    const final = await eventually(async () => {
      const rows: { id: string; status: string }[] = await deps.ds.query('SELECT id, status FROM bookings WHERE showtime_id = ?', [show.showtimeId]);
      const got = new Map(rows.map((r) => [r.id, r.status]));
      return [...expected].every(([id, s]) => got.get(id) === s) ? got : undefined;
    }, 90_000, 250);
    expect(final.size).to.equal(50);

    const held = await deps.ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE showtime_id = ? AND status = 'held'", [show.showtimeId]);
    expect(Number(held[0].n)).to.equal(0);
    const booked: { id: number; booking_id: string }[] = await deps.ds.query(
      "SELECT id, booking_id FROM show_seats WHERE showtime_id = ? AND status = 'booked' ORDER BY id",
      [show.showtimeId],
    );
    expect(booked.map((r) => Number(r.id)).sort((a, b) => a - b)).to.deep.equal(paying.flatMap((c) => c.seatIds).sort((a, b) => a - b));
    for (const c of paying) {
      for (const seat of c.seatIds) expect(booked.find((r) => Number(r.id) === seat)!.booking_id).to.equal(c.id);
    }
    const intents: { checkout_id: string; status: string }[] = await deps.ds.query('SELECT checkout_id, status FROM ledger_payment_intents');
    expect(intents.map((i) => i.checkout_id).sort()).to.deep.equal([...expected.keys()].sort());
    for (const i of intents) {
      expect(i.status, i.checkout_id).to.equal(expected.get(i.checkout_id) === 'CONFIRMED' ? 'succeeded' : 'canceled');
    }
  });
});
