import { expect } from 'chai';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUsers, eventually, seatStatuses, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

/**
 * Races as the seat-picker page causes them: every request carries its own
 * Idempotency-Key (bench/contention.ts measures the same races' speed).
 */
describe('keyed races: every buyer with an Idempotency-Key of their own', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let users: TestUser[];

  before(async () => {
    deps = await createTestDeps('keyed_race', { config: { HOLD_TTL_SECONDS: '60' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    users = await createUsers(deps, 100);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const hold = (user: TestUser, showtimeId: number, seatIds: number[], key: string) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId, seatIds }, headers: { 'idempotency-key': key } });

  /**
   * Nothing stuck: every checkout workflow of the showtime has closed except the winners'. Suites share the
   * Temporal server but not their databases, so showtime ids repeat across suites: the task queue is this suite's.
   */
  const runningCheckouts = async (showtimeId: number): Promise<number> =>
    (await deps.temporal.workflow.count(`TaskQueue = "${deps.config.TASK_QUEUE}" AND ShowtimeId = "${showtimeId}" AND ExecutionStatus = "Running"`)).count;

  it('100 buyers, one seat: exactly one wins, 99 get 409 naming the seat, and only the winner’s checkout stays open', async () => {
    const show = await createShowtime(deps.ds);
    const seat = show.seatIds[0]!;
    const replies = await Promise.all(users.map((u, i) => hold(u, show.showtimeId, [seat], `one-seat-${i}`)));
    const winners = replies.filter((r) => r.status === 201);
    expect(winners).to.have.length(1);
    expect(replies.filter((r) => r.status === 409)).to.have.length(99);
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.error).to.deep.include({ code: 'SEATS_UNAVAILABLE', details: { seatIds: [seat] } });
    }
    const [row] = await seatStatuses(deps.ds, [seat]);
    expect(row).to.include({ status: 'held', checkout_id: winners[0]!.body.checkoutId });
    await eventually(async () => (await runningCheckouts(show.showtimeId)) === 1, 30_000, 200);
    const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM bookings WHERE showtime_id = ? AND status = 'AWAITING_PAYMENT'", [show.showtimeId]);
    expect(Number(n)).to.equal(1);
  });

  it('100 buyers each asking 2 of the same 20 seats: the winners’ seats are disjoint and no seat is partially held', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRRRRRRRR', 'RRRRRRRRRR'] });
    // Buyer i asks seats i mod 20 and (i + 1 + ⌊i / 20⌋) mod 20: every pair overlaps others.
    const asks = users.map((u, i) => ({ user: u, seatIds: [show.seatIds[i % 20]!, show.seatIds[(i + 1 + Math.floor(i / 20)) % 20]!] }));
    const replies = await Promise.all(asks.map((a, i) => hold(a.user, show.showtimeId, a.seatIds, `pair-${i}`)));
    expect(replies.every((r) => r.status === 201 || r.status === 409), JSON.stringify(replies.map((r) => r.status))).to.equal(true);
    const winners = replies.flatMap((r, i) => (r.status === 201 ? [{ checkoutId: r.body.checkoutId as string, seatIds: asks[i]!.seatIds }] : []));
    expect(winners.length).to.be.within(1, 10);
    const claimed = winners.flatMap((w) => w.seatIds);
    expect(new Set(claimed).size).to.equal(claimed.length);
    const rows = await seatStatuses(deps.ds, show.seatIds);
    const owner = new Map(winners.flatMap((w) => w.seatIds.map((s) => [s, w.checkoutId] as const)));
    for (const r of rows) {
      if (owner.has(r.id)) expect(r, `seat ${r.id}`).to.include({ status: 'held', checkout_id: owner.get(r.id) });
      else expect(r.status, `seat ${r.id}`).to.equal('available');
    }
    await eventually(async () => (await runningCheckouts(show.showtimeId)) === winners.length, 30_000, 200);
  });
});
