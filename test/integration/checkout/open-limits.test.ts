import type { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { newCheckoutId } from '../../../core/ids.js';
import * as checkouts from '../../../db/checkouts.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, testActivities, type TestWorker } from '../../support/worker.js';

/**
 * One account cannot hold a hall hostage: at most MAX_OPEN_CHECKOUTS_PER_SHOWTIME
 * unpaid checkouts in one showtime and MAX_OPEN_CHECKOUTS_PER_USER in all,
 * counted inside the hold's transaction under the user's row lock, so exact
 * under concurrency.
 */
describe('open checkouts per account', function () {
  this.timeout(120_000);
  const PER_USER = 3;
  const PER_SHOWTIME = 2;
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let shows: ShowtimeFixture[];

  before(async () => {
    deps = await createTestDeps('open_limits', {
      config: { MAX_OPEN_CHECKOUTS_PER_USER: String(PER_USER), MAX_OPEN_CHECKOUTS_PER_SHOWTIME: String(PER_SHOWTIME) },
    });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    shows = [];
    for (let i = 0; i < 4; i++) shows.push(await createShowtime(deps.ds, { layout: ['RRRRRRRRRR', 'RRRRRRRRRR', 'RRRRRRRRRR'] }));
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  let nextSeat = 0;
  /** A seat of that showtime no other test of this file has used. */
  const freshSeat = (show: ShowtimeFixture): number => show.seatIds[nextSeat++ % show.seatIds.length]!;
  const hold = (user: TestUser, show: ShowtimeFixture, seatIds = [freshSeat(show)]) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } });
  const expectRefused = (res: { status: number; body: any }, scope: 'user' | 'showtime', open: string[]) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error.code).to.equal('TOO_MANY_OPEN_CHECKOUTS');
    expect(res.body.error.details).to.deep.include({ scope, max: scope === 'user' ? PER_USER : PER_SHOWTIME });
    expect([...res.body.error.details.openCheckoutIds].sort()).to.deep.equal([...open].sort());
  };

  it(`allows ${PER_SHOWTIME} open checkouts in one showtime and ${PER_USER} in all; beyond, 409 naming the open ones, seats untouched`, async () => {
    const user = await createUser(deps);
    const [a, b] = [await hold(user, shows[0]!), await hold(user, shows[0]!)];
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    const refusedSeat = freshSeat(shows[0]!);
    expectRefused(await hold(user, shows[0]!, [refusedSeat]), 'showtime', [a.body.checkoutId, b.body.checkoutId]);
    expect((await seatStatuses(deps.ds, [refusedSeat]))[0]).to.include({ status: 'available', checkout_id: null });
    const c = await hold(user, shows[1]!);
    expect(c.status).to.equal(201);
    expectRefused(await hold(user, shows[2]!), 'user', [a.body.checkoutId, b.body.checkoutId, c.body.checkoutId]);
    // Another account is not affected.
    expect((await hold(await createUser(deps), shows[0]!)).status).to.equal(201);
  });

  it('a cancelled or paid checkout no longer counts', async () => {
    const user = await createUser(deps);
    const [a, b] = [await hold(user, shows[3]!), await hold(user, shows[3]!)];
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    expect((await hold(user, shows[3]!)).status).to.equal(409);
    const cancelled = await api.request('POST', `/api/v1/checkouts/${a.body.checkoutId}/cancel`, { token: user.token, body: {} });
    expect(cancelled.body.status).to.equal('CANCELLED');
    const c = await hold(user, shows[3]!);
    expect(c.status).to.equal(201);
    const paid = await api.request('POST', `/api/v1/checkouts/${b.body.checkoutId}/pay`, { token: user.token, body: { card: '4242424242424242' } });
    expect(paid.body.status).to.equal('CONFIRMED');
    expect((await hold(user, shows[3]!)).status).to.equal(201);
  });

  describe('in the hold transaction itself', () => {
    const activities = () => testActivities(deps);

    it(`20 parallel holds of one account in one showtime: exactly ${PER_SHOWTIME} commit, the rest are refused (no deadlock)`, async () => {
      const user = await createUser(deps);
      const show = await createShowtime(deps.ds, { layout: ['RRRRRRRRRR', 'RRRRRRRRRR'] });
      const results = await Promise.allSettled(
        show.seatIds.map((seat) => activities().holdSeats({ checkoutId: newCheckoutId(), userId: user.id, showtimeId: show.showtimeId, seatIds: [seat], idempotencyKey: null })),
      );
      const failures = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as ApplicationFailure).type ?? String(r.reason));
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(PER_SHOWTIME);
      expect(failures).to.deep.equal(Array(show.seatIds.length - PER_SHOWTIME).fill('TOO_MANY_OPEN_CHECKOUTS'));
      const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM bookings WHERE user_id = ? AND status = 'HOLDING'", [user.id]);
      expect(Number(n)).to.equal(PER_SHOWTIME);
    });

    it(`20 parallel holds of one account over 4 showtimes: exactly ${PER_USER} commit`, async () => {
      const user = await createUser(deps);
      const all = await Promise.all([0, 1, 2, 3].map(() => createShowtime(deps.ds, { layout: ['RRRRR'] })));
      const results = await Promise.allSettled(
        all.flatMap((show) =>
          show.seatIds.map((seat) => activities().holdSeats({ checkoutId: newCheckoutId(), userId: user.id, showtimeId: show.showtimeId, seatIds: [seat], idempotencyKey: null })),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(PER_USER);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as ApplicationFailure).type).to.equal('TOO_MANY_OPEN_CHECKOUTS');
    });

    it('a retried hold at the limit answers as before, and holds that have run out do not count', async () => {
      const user = await createUser(deps);
      const show = await createShowtime(deps.ds, { layout: ['RRRRR'] });
      const limits = { perUser: PER_USER, perShowtime: PER_SHOWTIME };
      const request = (checkoutId: string, seat: number, now: Date, ttlMs = 60_000) => ({
        checkoutId,
        userId: user.id,
        showtimeId: show.showtimeId,
        seatIds: [seat],
        idempotencyKey: null,
        hall: { rows: 1, cols: 5 },
        policy: { singleSeatRule: false, companionsOnSale: true },
        movieId: show.movieId,
        choice: {},
        provider: 'mock' as const,
        currency: 'USD',
        minimumCharge: 1,
        heldUntil: new Date(now.getTime() + ttlMs),
        now,
        limits,
      });
      const t0 = new Date();
      const first = newCheckoutId();
      await checkouts.hold(deps.ds, request(first, show.seatIds[0]!, t0));
      await checkouts.hold(deps.ds, request(newCheckoutId(), show.seatIds[1]!, t0, 1_000));
      // At the limit: the same checkout again is a retry, not a third one.
      const retried = await checkouts.hold(deps.ds, request(first, show.seatIds[0]!, t0));
      expect(retried.change).to.equal(null);
      const third = await checkouts.hold(deps.ds, request(newCheckoutId(), show.seatIds[2]!, t0)).catch((e: unknown) => e);
      expect(third).to.have.property('code', 'TOO_MANY_OPEN_CHECKOUTS');
      // Two seconds on, the second hold has run out (its timer would release it): it no longer counts.
      const later = new Date(t0.getTime() + 2_000);
      const fresh = await checkouts.hold(deps.ds, request(newCheckoutId(), show.seatIds[3]!, later));
      expect(fresh.change?.changes).to.deep.equal([{ seatId: show.seatIds[3], status: 'held' }]);
    });
  });
});
