import { expect } from 'chai';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, terminateWaitlists, type TestWorker } from '../../support/worker.js';

const GRACE_SECONDS = 2;

/**
 * Seats given back while buyers wait are held for the line during the grace
 * (WAITLIST_GRACE_SECONDS); what the line cannot use is everyone's when the
 * grace ends: the rows are made available and every watcher is told (found
 * by the chaos soak: they stayed held for the line, and live seat maps never
 * heard that they were free).
 */
describe('waitlist grace: seats the line does not take become available, and are announced, when the grace ends', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;

  before(async () => {
    deps = await createTestDeps('waitlist_grace', { config: { WAITLIST_GRACE_SECONDS: String(GRACE_SECONDS), MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '10' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
  });
  after(async () => {
    await terminateWaitlists(deps);
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  it('a refund of 2 seats while the line wants 3: held for the line, then available with a seat change once the grace ends; the entry still waits', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    const seller = await createUser(deps);
    const first = await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(0, 2));
    await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(2, 4));
    const waiter = await createUser(deps);
    const joined = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: waiter.token, body: { count: 3 } });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);

    const refunded = await api.request('POST', `/api/v1/bookings/${first}/cancel`, { token: seller.token, body: {} });
    expect(refunded.status, JSON.stringify(refunded.body)).to.be.oneOf([200, 202]);
    const given = show.seatIds.slice(0, 2);
    await eventually(async () => (await seatStatuses(deps.ds, given)).every((s) => s.status === 'held' && s.checkout_id === 'waitlist'));

    await eventually(async () => (await seatStatuses(deps.ds, given)).every((s) => s.status === 'available' && s.checkout_id === null), 20_000);
    const freed = worker.publisher.changes.find((c) => c.showtimeId === show.showtimeId && c.changes.some((x) => x.status === 'available'));
    expect(freed?.changes).to.deep.equal(given.map((seatId) => ({ seatId, status: 'available' })));
    const [{ v }] = await deps.ds.query('SELECT seat_version AS v FROM showtimes WHERE id = ?', [show.showtimeId]);
    expect(freed!.version).to.equal(Number(v));
    const entry = await api.request('GET', `/api/v1/waitlist/${joined.body.waitlistId}`, { token: waiter.token });
    expect(entry.body.status).to.equal('waiting');
  });
});
