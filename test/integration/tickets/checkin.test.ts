import { expect } from 'chai';
import { ticketCode } from '../../../tickets/codes.js';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

describe('check-in at the door (real MySQL, Temporal)', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let usher: TestUser;
  let admin: TestUser;
  let bookingId: string;
  let seatsLeft: number[];

  before(async () => {
    deps = await createTestDeps('checkin');
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
    [alice, usher, admin] = await Promise.all([createUser(deps), createUser(deps, 'staff'), createUser(deps, 'admin')]);
    bookingId = await confirmedBooking(api, alice, show.showtimeId, show.seatIds.slice(0, 3));
    seatsLeft = show.seatIds.slice(3);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const codeOf = (seatId: number, id = bookingId) => ticketCode(deps.config.TICKET_SECRET, { bookingId: id, seatId });
  /** A scan by `user` (the usher unless said otherwise; null: without a token). */
  const scan = (code: string, user: TestUser | null = usher) =>
    api.request('POST', '/api/v1/checkin', { token: user?.token, body: { code } });
  const admissions = async (seatId: number, id = bookingId): Promise<number> =>
    Number((await deps.ds.query('SELECT COUNT(*) AS n FROM ticket_checkins WHERE booking_id = ? AND show_seat_id = ?', [id, seatId]))[0].n);

  it('is for staff and admins: a customer gets 403, no token 401, and nothing is admitted', async () => {
    const code = codeOf(show.seatIds[0]!);
    const customer = await scan(code, alice);
    expect(customer.status).to.equal(403);
    expect(customer.body.error.code).to.equal('FORBIDDEN');
    expect((await scan(code, null)).status).to.equal(401);
    expect(await admissions(show.seatIds[0]!)).to.equal(0);
  });

  it('admits a valid ticket on its first scan and answers 409 with the first scan’s time after that', async () => {
    const seatId = show.seatIds[0]!;
    const first = await scan(codeOf(seatId));
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.include({ status: 'admitted' });
    expect(first.body.seat).to.deep.equal({ id: seatId, label: 'A1', type: 'regular' });
    expect(first.body.booking).to.deep.equal({ id: bookingId, status: 'CONFIRMED', seatCount: 3 });
    expect(first.body.showtime).to.deep.include({ id: show.showtimeId, startsAt: show.startsAt.toISOString() });
    expect(first.body.showtime.movie.title).to.match(/^Test Movie/);

    const again = await scan(codeOf(seatId), admin);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('ALREADY_CHECKED_IN');
    expect(again.body.error.details.checkedInAt).to.equal(first.body.checkedInAt);
    expect(again.body.error.details.seat.label).to.equal('A1');
    expect(await admissions(seatId)).to.equal(1);
  });

  it('takes a code as a person types it: lower case, spaces, dashes, O for 0', async () => {
    const seatId = show.seatIds[1]!;
    const typed = codeOf(seatId)
      .toLowerCase()
      .replace(/(.{4})/g, '$1 ')
      .replace(/0/g, 'o')
      .replace(/ (.)/, '-$1');
    const res = await scan(typed);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.seat.id).to.equal(seatId);
  });

  it('refuses a forged, a foreign or a mangled code with 404 and admits nothing', async () => {
    const seatId = show.seatIds[2]!;
    const genuine = codeOf(seatId);
    const lastChar = genuine.at(-1) === '0' ? '1' : '0';
    const forgeries = [
      genuine.slice(0, -1) + lastChar, // the signature changed
      ticketCode('another-secret-another-secret-another-1', { bookingId, seatId }), // signed with another key
      codeOf(seatId, 'chk_01ARZ3NDEKTSV4RRFFQ69G5FAV'), // well signed, no such booking
      codeOf(show.seatIds[4]!), // well signed, a seat this booking does not have
      'not a ticket',
    ];
    for (const code of forgeries) {
      const res = await scan(code);
      expect(res.status, code).to.equal(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    }
    expect(await admissions(seatId)).to.equal(0);
    expect((await scan('')).status).to.equal(400);
  });

  it('20 simultaneous scans of one ticket admit it exactly once', async () => {
    const id = await confirmedBooking(api, alice, show.showtimeId, [seatsLeft[0]!]);
    const code = codeOf(seatsLeft[0]!, id);
    const results = await Promise.all(Array.from({ length: 20 }, () => scan(code)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([200, ...Array<number>(19).fill(409)]);
    const admitted = results.find((r) => r.status === 200)!;
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.error.code).to.equal('ALREADY_CHECKED_IN');
      expect(r.body.error.details.checkedInAt).to.equal(admitted.body.checkedInAt);
    }
    expect(await admissions(seatsLeft[0]!, id)).to.equal(1);
  });

  it('answers 410 for a ticket of a refunded booking', async () => {
    const id = await confirmedBooking(api, alice, show.showtimeId, [seatsLeft[1]!]);
    const code = codeOf(seatsLeft[1]!, id);
    const cancel = await api.request('POST', `/api/v1/bookings/${id}/cancel`, { token: alice.token, body: {} });
    expect(cancel.body.status).to.equal('REFUNDED');
    const res = await scan(code);
    expect(res.status).to.equal(410);
    expect(res.body.error.code).to.equal('TICKET_VOID');
    expect(res.body.error.details.booking).to.deep.include({ id, status: 'REFUNDED' });
    expect(await admissions(seatsLeft[1]!, id)).to.equal(0);
  });

  it('answers 410 for a ticket of a cancelled showtime, even before its refund has run', async () => {
    const other = await createShowtime(deps.ds);
    const id = await confirmedBooking(api, alice, other.showtimeId, [other.seatIds[0]!]);
    // The moment between the cancellation's commit and the booking's refund.
    await deps.ds.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [other.showtimeId]);
    const res = await scan(codeOf(other.seatIds[0]!, id));
    expect(res.status).to.equal(410);
    expect(res.body.error.details).to.deep.include({ showtimeStatus: 'cancelled' });
    expect(await admissions(other.seatIds[0]!, id)).to.equal(0);
  });
});
