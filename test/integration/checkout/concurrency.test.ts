import { Client } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { newCheckoutId } from '../../../core/ids.js';
import type { CheckoutState } from '../../../workflows/contracts.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUsers, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, testActivities, type TestWorker } from '../../support/worker.js';

describe('checkout under concurrency', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let users: TestUser[];
  /** Workflow ids of the checkouts the API started: the requests that got past its early read into the row-locked hold. */
  const started: string[] = [];

  before(async () => {
    deps = await createTestDeps('checkout_race', { config: { HOLD_TTL_SECONDS: '60' } });
    worker = await startTestWorker(deps);
    const temporal = new Client({
      connection: deps.temporal.connection,
      namespace: deps.config.TEMPORAL_NAMESPACE,
      interceptors: {
        workflow: [
          {
            async startUpdateWithStart(input, next) {
              started.push(input.workflowStartOptions.workflowId);
              return next(input);
            },
          },
        ],
      },
    });
    api = await startTestApi({ ...deps, temporal });
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
  const pay = (user: TestUser, checkoutId: string) => api.request('POST', `/api/v1/checkouts/${checkoutId}/pay`, { token: user.token, body: { card: '4242424242424242' } });

  it('200 users holding the same seat at once: exactly one wins, 199 get 409 naming the seat; counts those that reached the row-locked hold', async () => {
    const seat = show.seatIds[0]!;
    started.length = 0;
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

    // Which requests reached the row-locked transaction: those that started a workflow (its first step is
    // that transaction); the winner among them, each of the others refused there. The rest were refused
    // before any workflow (admission, or the early read) and left nothing behind.
    expect(started).to.include(winner.body.checkoutId);
    const refusedInside: CheckoutState[] = await Promise.all(
      started.filter((id) => id !== winner.body.checkoutId).map((id) => deps.temporal.workflow.getHandle(id).result()),
    );
    for (const st of refusedInside) expect(st).to.deep.include({ status: 'FAILED', holdFailure: { code: 'SEATS_UNAVAILABLE', message: st.holdFailure!.message, details: { seatIds: [seat] } } });
    const [{ total }] = await deps.ds.query('SELECT COUNT(*) AS total FROM bookings WHERE showtime_id = ?', [show.showtimeId]);
    expect({ reachedHold: started.length, refusedInHold: refusedInside.length, refusedBefore: users.length - started.length, bookingRows: Number(total) }).to.deep.equal({
      reachedHold: refusedInside.length + 1,
      refusedInHold: started.length - 1,
      refusedBefore: 199 - refusedInside.length,
      bookingRows: 1,
    });
  });

  it('at the row-lock layer itself: 100 parallel holdSeats of one seat commit exactly once', async () => {
    // The API answers obviously-taken seats early from a read; this goes under it, straight to the transaction.
    const activities = testActivities(deps, { settings: { HOLD_TTL_SECONDS: 60 } });
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
    const [a, b] = users.slice(100, 102) as [TestUser, TestUser];
    const first = await hold(a, [seat]);
    expect(first.status).to.equal(201);
    expect((await hold(b, [seat])).status).to.equal(409);
    // Two open checkouts on one seat: the database lets a hold take over one whose held_until has passed
    // (its safety net) before the first checkout's timer has fired. Here that moment is made on purpose.
    await deps.ds.query('UPDATE show_seats SET held_until = ? WHERE id = ?', [new Date(Date.now() - 1_000), seat]);
    // Rewriting the row stands for time passing; the API's cached seat map learns of rewritten rows by their version.
    await deps.ds.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [show.showtimeId]);
    const second = await hold(b, [seat]);
    expect(second.status).to.equal(201);
    const ids = [first.body.checkoutId as string, second.body.checkoutId as string];
    const bookingStatus = async (id: string) => (await deps.ds.query('SELECT status FROM bookings WHERE id = ?', [id]))[0].status as string;
    expect(await Promise.all(ids.map(bookingStatus))).to.deep.equal(['AWAITING_PAYMENT', 'AWAITING_PAYMENT']);

    // Both pay at the same moment, each twice.
    const pays = await Promise.all([pay(a, ids[0]!), pay(b, ids[1]!), pay(a, ids[0]!), pay(b, ids[1]!)]);
    expect([pays[1]!.status, pays[3]!.status]).to.deep.equal([200, 200]);
    const [firstState, secondState] = (await Promise.all(ids.map((id) => deps.temporal.workflow.getHandle(id).result()))) as [CheckoutState, CheckoutState];
    // The seat is booked once, by the checkout that held it; the other checkout's money goes back.
    expect(secondState.status).to.equal('CONFIRMED');
    expect(firstState).to.include({ status: 'FAILED', reason: 'seats were no longer held' });
    const booked = await deps.ds.query("SELECT id, booking_id FROM show_seats WHERE id = ? AND status = 'booked'", [seat]);
    expect(booked.map((r: { booking_id: string }) => r.booking_id)).to.deep.equal([ids[1]]);
    expect((await deps.payments.getIntent(first.body.payment.intentId)).state).to.equal('refunded');
    expect((await deps.payments.getIntent(second.body.payment.intentId)).state).to.equal('succeeded');
    expect(await Promise.all(ids.map(bookingStatus))).to.deep.equal(['FAILED', 'CONFIRMED']);
    // Each payment was recorded once, however many times it was sent.
    for (const id of ids) {
      const [{ events }] = await deps.ds.query('SELECT COUNT(*) AS events FROM payment_events WHERE checkout_id = ?', [id]);
      expect(Number(events), id).to.equal(1);
    }
  });
});
