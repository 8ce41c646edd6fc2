import type { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { createActivities } from '../../../activities/index.js';
import { newCheckoutId } from '../../../core/ids.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUsers, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { recordingPublisher, startTestWorker, type TestWorker } from '../../support/worker.js';
import { activitySettings } from '../../../worker/create-worker.js';

describe('checkout under concurrency', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let users: TestUser[];

  before(async () => {
    deps = await createTestDeps('checkout_race', { config: { HOLD_TTL_SECONDS: '60' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds, { layout: ['RRRRRRRRRR', 'RRRRRRRRRR'] });
    users = await createUsers(deps, 200);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const hold = (user: TestUser, seatIds: number[]) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } });

  it('200 users holding the same seat at once: exactly one wins, 199 get 409 naming the seat', async () => {
    const seat = show.seatIds[0]!;
    const replies = await Promise.all(users.map((u) => hold(u, [seat])));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(199);
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.error).to.deep.include({ code: 'SEATS_UNAVAILABLE', details: { seatIds: [seat] } });
    }
    const winner = replies.find((r) => r.status === 201)!;
    const [row] = await seatStatuses(deps.ds, [seat]);
    expect(row).to.include({ status: 'held', checkout_id: winner.body.checkoutId });
    const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM bookings WHERE showtime_id = ? AND status = 'AWAITING_PAYMENT'", [show.showtimeId]);
    expect(Number(n)).to.equal(1);
  });

  it('at the row-lock layer itself: 100 parallel holdSeats of one seat commit exactly once', async () => {
    // The API answers obviously-taken seats early from a read; this goes under it, straight to the transaction.
    const activities = createActivities({
      ds: deps.ds,
      payments: deps.payments,
      publisher: recordingPublisher(),
      clock: deps.clock,
      log: deps.log,
      settings: { ...activitySettings(deps.config), holdTtlSeconds: 60 },
    });
    const seat = show.seatIds[8]!;
    const results = await Promise.allSettled(
      users.slice(0, 100).map((u) =>
        activities.holdSeats({ checkoutId: newCheckoutId(), userId: u.id, showtimeId: show.showtimeId, seatIds: [seat], idempotencyKey: null }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as ApplicationFailure);
    expect(refusals).to.have.length(99);
    for (const f of refusals) expect(f).to.include({ type: 'SEATS_UNAVAILABLE', nonRetryable: true });
    const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM booking_seats WHERE show_seat_id = ?", [seat]);
    expect(Number(n)).to.equal(1);
  });

  it('overlapping multi-seat holds are all-or-nothing: no partial hold, no seat held twice', async () => {
    // Seats 10..19 (second row); 60 users each ask for 3 consecutive seats starting at a random offset.
    const row = show.seatIds.slice(10, 20);
    const asks = users.slice(0, 60).map((u, i) => ({ user: u, seats: row.slice(i % 8, (i % 8) + 3) }));
    const replies = await Promise.all(asks.map((a) => hold(a.user, a.seats)));
    const winners = replies.flatMap((r, i) => (r.status === 201 ? [{ checkoutId: r.body.checkoutId as string, seats: asks[i]!.seats }] : []));
    expect(replies.every((r) => r.status === 201 || r.status === 409)).to.equal(true);
    expect(winners.length).to.be.within(1, 3);
    const rows = await seatStatuses(deps.ds, row);
    for (const w of winners) {
      // Every seat a winner asked for is held by it...
      for (const id of w.seats) expect(rows.find((r) => r.id === id)).to.include({ status: 'held', checkout_id: w.checkoutId });
    }
    // ...and no seat is held by a checkout that did not win all of its seats.
    const winnerIds = new Set(winners.map((w) => w.checkoutId));
    for (const r of rows.filter((x) => x.status === 'held')) expect(winnerIds.has(r.checkout_id!)).to.equal(true);
    const [{ n }] = await deps.ds.query(
      `SELECT COUNT(*) AS n FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id
        WHERE b.showtime_id = ? AND b.status = 'AWAITING_PAYMENT' AND bs.show_seat_id IN (${row.map(() => '?').join(',')})`,
      [show.showtimeId, ...row],
    );
    expect(Number(n)).to.equal(winners.reduce((sum, w) => sum + w.seats.length, 0));
  });

  it('the same seats paid by racing checkouts are booked once, ever', async () => {
    const seat = show.seatIds[9]!;
    const [a, b] = users.slice(100, 102);
    const first = await hold(a!, [seat]);
    expect(first.status).to.equal(201);
    const second = await hold(b!, [seat]);
    expect(second.status).to.equal(409);
    const pays = await Promise.all([
      api.request('POST', `/api/v1/checkouts/${first.body.checkoutId}/pay`, { token: a!.token, body: { card: '4242424242424242' } }),
      api.request('POST', `/api/v1/checkouts/${first.body.checkoutId}/pay`, { token: a!.token, body: { card: '4242424242424242' } }),
    ]);
    expect(pays.map((p) => p.status)).to.deep.equal([200, 200]);
    const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE id = ? AND status = 'booked'", [seat]);
    expect(Number(n)).to.equal(1);
    const [{ events }] = await deps.ds.query('SELECT COUNT(*) AS events FROM payment_events WHERE checkout_id = ?', [first.body.checkoutId]);
    expect(Number(events)).to.equal(1);
  });
});
