import { expect } from 'chai';
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
    // 20 get paid, 10 cancelled, 20 left to expire; the worker dies while those requests are in flight.
    const paying = checkouts.slice(0, 20);
    const cancelling = checkouts.slice(20, 30);
    const expiring = checkouts.slice(30);
    const inFlight = [
      ...paying.map((c) => api.request('POST', `/api/v1/checkouts/${c.id}/pay`, { token: c.user.token, body: { card: '4242424242424242' } })),
      ...cancelling.map((c) => api.request('POST', `/api/v1/checkouts/${c.id}/cancel`, { token: c.user.token, body: {} })),
    ];
    await new Promise((r) => setTimeout(r, 30));
    expect(await workers[0]!.kill('SIGKILL')).to.equal(null);
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
    const intents: { checkout_id: string; status: string }[] = await deps.ds.query('SELECT checkout_id, status FROM mock_payment_intents');
    for (const i of intents) {
      expect(i.status, i.checkout_id).to.equal(expected.get(i.checkout_id) === 'CONFIRMED' ? 'succeeded' : 'canceled');
    }
  });
});
