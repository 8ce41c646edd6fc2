import { expect } from 'chai';
import { JOIN_EVENT, WAITLIST_EVENT, type WaitlistEvent } from '../../../live/protocol.js';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import * as checkouts from '../../../db/checkouts.js';
import * as waitlist from '../../../db/waitlist.js';
import { lookAgainSignal, waitlistWorkflowId } from '../../../workflows/contracts.js';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { connectClient, connected, emitWithAck, startLiveTestApi, type LiveTestApi } from '../../support/live.js';
import { sharedMailCatcher } from '../../support/mail.js';
import { startTestWorker, terminateWaitlists, testActivities, workflowStarted, type TestWorker } from '../../support/worker.js';

const OFFER_SECONDS = 8;
const GRACE_SECONDS = 30;

interface Entry {
  waitlistId: string;
  status: string;
  position: number | null;
  offer: { checkoutId: string } | null;
}

/**
 * The waitlist against real MariaDB, Temporal and SMTP: released seats of a
 * sold-out showtime become a held checkout of the first in line, in turn.
 * Each test sells out a showtime of its own.
 */
describe('waitlist: released seats become held offers, in line order (real MySQL, Temporal, SMTP)', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let api: LiveTestApi;
  let worker: TestWorker;
  let seller: TestUser;

  before(async () => {
    deps = await createTestDeps('waitlist', {
      config: {
        WAITLIST_OFFER_SECONDS: String(OFFER_SECONDS),
        WAITLIST_GRACE_SECONDS: String(GRACE_SECONDS),
        MAX_OPEN_CHECKOUTS_PER_USER: '100',
        MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100',
      },
    });
    worker = await startTestWorker(deps);
    api = await startLiveTestApi(deps);
    seller = await createUser(deps);
  });
  after(async () => {
    // The lines of this suite's showtimes would otherwise wait on the shared server until their showtimes start.
    await terminateWaitlists(deps);
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  /** A showtime of one row, every seat booked by `seller` in bookings of `per` seats: answers the booking ids. */
  const soldOut = async (layout: string, per: number): Promise<{ show: ShowtimeFixture; bookings: string[] }> => {
    const show = await createShowtime(deps.ds, { layout: [layout] });
    const bookings: string[] = [];
    for (let i = 0; i < show.seatIds.length; i += per) bookings.push(await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(i, i + per)));
    return { show, bookings };
  };
  const join = async (user: TestUser, showtimeId: number, count: number) => {
    const res = await api.request('POST', `/api/v1/showtimes/${showtimeId}/waitlist`, { token: user.token, body: { count } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as Entry;
  };
  const entry = async (user: TestUser, id: string) => (await api.request('GET', `/api/v1/waitlist/${id}`, { token: user.token })).body as Entry;
  const offered = (user: TestUser, id: string) =>
    eventually(async () => {
      const e = await entry(user, id);
      return e.status === 'offered' && e.offer ? e.offer.checkoutId : undefined;
    }, 20_000);
  const checkout = async (user: TestUser, id: string) => (await api.request('GET', `/api/v1/checkouts/${id}`, { token: user.token })).body;
  /** The offer's checkout once its buyer can pay it. */
  const payable = (user: TestUser, id: string) =>
    eventually(async () => {
      const c = await checkout(user, id);
      return c.status === 'AWAITING_PAYMENT' ? c : undefined;
    }, 20_000);
  const cancelBooking = async (bookingId: string) => {
    const res = await api.request('POST', `/api/v1/bookings/${bookingId}/cancel`, { token: seller.token, body: {} });
    expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 202]);
  };
  const heldBy = async (seatIds: number[]) =>
    (await deps.ds.query(`SELECT id, status, checkout_id FROM show_seats WHERE id IN (${seatIds.map(() => '?').join(',')}) ORDER BY id`, seatIds)) as {
      id: number;
      status: string;
      checkout_id: string | null;
    }[];

  it('joining is for those the showtime cannot seat now: 409 with a hint to book while seats are free, 201 once sold out, 409 twice', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    const buyer = await createUser(deps);
    const early = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: buyer.token, body: { count: 2 } });
    expect(early.status).to.equal(409);
    expect(early.body.error.details).to.include({ reason: 'seats-available' });
    await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(0, 3));
    // One seat left: a party of two cannot be seated, a single could.
    const single = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: buyer.token, body: { count: 1 } });
    expect(single.status).to.equal(409);
    const joined = await join(buyer, show.showtimeId, 2);
    expect(joined).to.deep.include({ showtimeId: show.showtimeId, count: 2, status: 'waiting', position: 1, offer: null });
    const twice = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: buyer.token, body: { count: 2 } });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.details).to.include({ waitlistId: joined.waitlistId });
    for (const body of [{ count: 0 }, { count: 11 }, { count: 'two' }, {}, { count: 2, extra: true }]) {
      const bad = await api.request('POST', `/api/v1/showtimes/${show.showtimeId}/waitlist`, { token: buyer.token, body });
      expect(bad.status, JSON.stringify(body)).to.be.oneOf([400, 422]);
    }
    expect((await api.request('POST', `/api/v1/showtimes/999999/waitlist`, { token: buyer.token, body: { count: 1 } })).status).to.equal(404);
    const [{ n }] = await deps.ds.query('SELECT COUNT(*) AS n FROM waitlist_entries WHERE user_id = ?', [buyer.id]);
    expect(Number(n), 'refused joins change nothing').to.equal(1);
  });

  it('a cancel on a sold-out showtime becomes a held offer for the first in line, kept from the public; paying books it', async () => {
    const { show, bookings } = await soldOut('RRRR', 2);
    const [first, second, outsider] = [await createUser(deps), await createUser(deps), await createUser(deps)];
    const a = await join(first, show.showtimeId, 2);
    const b = await join(second, show.showtimeId, 2);
    expect([a.position, b.position]).to.deep.equal([1, 2]);

    await cancelBooking(bookings[0]!);
    const offerId = await offered(first, a.waitlistId);
    const offer = await payable(first, offerId);
    expect(offer.seats.map((s: { id: number }) => s.id)).to.deep.equal(show.seatIds.slice(0, 2));
    expect(new Date(offer.expiresAt).getTime() - Date.now()).to.be.at.most(OFFER_SECONDS * 1000);
    // Owned by the buyer, listed with their bookings; held for them and no one else.
    const mine = await api.request('GET', '/api/v1/bookings', { token: first.token });
    expect(mine.body.items.map((x: { checkoutId: string; status: string }) => [x.checkoutId, x.status])).to.deep.include([offerId, 'AWAITING_PAYMENT']);
    expect((await heldBy(show.seatIds.slice(0, 2))).map((s) => [s.status, s.checkout_id])).to.deep.equal([
      ['held', offerId],
      ['held', offerId],
    ]);
    const grab = await api.request('POST', '/api/v1/checkouts', { token: outsider.token, body: { showtimeId: show.showtimeId, seatIds: show.seatIds.slice(0, 2) } });
    expect(grab.status).to.equal(409);
    expect((await entry(second, b.waitlistId)).position).to.equal(1);
    const [email] = await sharedMailCatcher().waitFor(first.email);
    expect(email!.subject).to.match(/^Seats held for you/);
    expect((await email!.parsed()).text).to.include('A1, A2');

    const paid = await api.request('POST', `/api/v1/checkouts/${offerId}/pay`, { token: first.token, body: { card: MOCK_CARDS.succeeds } });
    expect(paid.body.status).to.equal('CONFIRMED');
    await eventually(async () => (await entry(first, a.waitlistId)).status === 'booked');
  });

  it('an offer not paid in time lapses, and its seats are offered to the second in line', async () => {
    const { show, bookings } = await soldOut('RRRR', 2);
    const [first, second] = [await createUser(deps), await createUser(deps)];
    const a = await join(first, show.showtimeId, 2);
    const b = await join(second, show.showtimeId, 2);
    await cancelBooking(bookings[1]!);
    const firstOffer = await offered(first, a.waitlistId);
    await payable(first, firstOffer);
    // Nobody pays: after OFFER_SECONDS the offer expires and the seats go on down the line.
    const secondOffer = await eventually(async () => {
      const e = await entry(second, b.waitlistId);
      return e.offer?.checkoutId;
    }, (OFFER_SECONDS + 20) * 1000);
    expect((await checkout(first, firstOffer)).status).to.equal('EXPIRED');
    expect((await entry(first, a.waitlistId)).status).to.equal('lapsed');
    const offer = await payable(second, secondOffer);
    expect(offer.seats.map((s: { id: number }) => s.id)).to.deep.equal(show.seatIds.slice(2, 4));
  });

  it('leaving: a waiting entry leaves the line (the room hears that places moved); leaving with an offer releases it to the next in line', async () => {
    const { show, bookings } = await soldOut('RRRRRR', 2);
    const [first, second, third] = [await createUser(deps), await createUser(deps), await createUser(deps)];
    const a = await join(first, show.showtimeId, 2);
    const b = await join(second, show.showtimeId, 2);
    const c = await join(third, show.showtimeId, 2);
    const socket = await connected(connectClient(api.baseUrl));
    const heard: WaitlistEvent[] = [];
    socket.on(WAITLIST_EVENT, (e: WaitlistEvent) => heard.push(e));
    try {
      expect(await emitWithAck(socket, JOIN_EVENT, { showtimeId: show.showtimeId })).to.deep.include({ ok: true });
      const left = await api.request('DELETE', `/api/v1/waitlist/${b.waitlistId}`, { token: second.token });
      expect(left.status).to.equal(200);
      expect(left.body).to.deep.include({ status: 'left', position: null });
      expect((await entry(third, c.waitlistId)).position).to.equal(2);
      await eventually(async () => heard.length > 0);
      expect(heard, 'no entry id or buyer in it').to.deep.equal([{ showtimeId: show.showtimeId, kind: 'moved' }]);
    } finally {
      socket.close();
    }
    expect((await api.request('DELETE', `/api/v1/waitlist/${a.waitlistId}`, { token: third.token })).status, 'someone else’s entry').to.equal(404);

    await cancelBooking(bookings[0]!);
    const offerId = await offered(first, a.waitlistId);
    await payable(first, offerId);
    const gone = await api.request('DELETE', `/api/v1/waitlist/${a.waitlistId}`, { token: first.token });
    expect(gone.body.status).to.equal('left');
    const next = await offered(third, c.waitlistId);
    expect((await payable(third, next)).seats.map((s: { id: number }) => s.id)).to.deep.equal(show.seatIds.slice(0, 2));
    expect((await checkout(first, offerId)).status).to.equal('CANCELLED');
    const mine = await api.request('GET', '/api/v1/waitlist', { token: second.token });
    expect(mine.body.items.map((e: Entry) => e.status)).to.deep.equal(['left']);
  });

  /**
   * A sold-out showtime with two buyers in line, and an offer to the first written as the offer step writes it,
   * with nobody starting its checkout: the step's answer lost, as when its worker dies before the line hears it.
   */
  const unstartedOffer = async () => {
    const { show, bookings } = await soldOut('RRRR', 2);
    const [first, second] = [await createUser(deps), await createUser(deps)];
    const a = await join(first, show.showtimeId, 2);
    const b = await join(second, show.showtimeId, 2);
    // The joins woke the line: once its rounds are done, none of its own can start the offer made below first.
    await eventually(async () => {
      const { raw } = await deps.temporal.workflow.getHandle(waitlistWorkflowId(deps.config.TASK_QUEUE, show.showtimeId)).describe();
      return !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
    }, 15_000, 50);
    const now = new Date();
    await checkouts.refundBooking(deps.ds, { bookingId: bookings[0]!, reason: 'test', graceUntil: new Date(now.getTime() + GRACE_SECONDS * 1000), now });
    // Held long enough that only a cancel can end it during the test.
    const round = await testActivities(deps, { settings: { WAITLIST_OFFER_SECONDS: 300 } }).offerSeatsToWaitlist({ showtimeId: show.showtimeId });
    expect(round.offers.map((o) => o.entryId)).to.deep.equal([a.waitlistId]);
    const offerId = round.offers[0]!.checkoutId;
    expect(await workflowStarted(deps, offerId), 'no checkout workflow yet').to.equal(false);
    return { show, first, second, a, b, offerId };
  };
  /** The offer's checkout is cancelled, and its seats are offered to the second in line. */
  const releasedToNext = async (o: Awaited<ReturnType<typeof unstartedOffer>>) => {
    await eventually(async () => (await checkout(o.first, o.offerId)).status === 'CANCELLED', 20_000);
    const next = await offered(o.second, o.b.waitlistId);
    expect((await payable(o.second, next)).seats.map((s: { id: number }) => s.id)).to.deep.equal(o.show.seatIds.slice(0, 2));
  };

  it('leaving while the line has not started the offer’s checkout yet: the checkout is started with the cancel, and the seats go to the next in line', async () => {
    const o = await unstartedOffer();
    const gone = await api.request('DELETE', `/api/v1/waitlist/${o.a.waitlistId}`, { token: o.first.token });
    expect(gone.status, JSON.stringify(gone.body)).to.equal(200);
    expect(gone.body.status).to.equal('left');
    await releasedToNext(o);
  });

  it('an entry left without its cancel (the API died in between) while its offer was unstarted: the line starts the checkout and cancels it', async () => {
    const o = await unstartedOffer();
    expect(await waitlist.leave(deps.ds, o.a.waitlistId, new Date())).to.equal(true);
    await deps.temporal.workflow.getHandle(waitlistWorkflowId(deps.config.TASK_QUEUE, o.show.showtimeId)).signal(lookAgainSignal);
    await releasedToNext(o);
  });

  it('two releases at once never offer one seat twice: four buyers of one seat get four different seats', async () => {
    const { show, bookings } = await soldOut('RRRRRRRR', 2);
    const buyers = [await createUser(deps), await createUser(deps), await createUser(deps), await createUser(deps)];
    const entries: Entry[] = [];
    for (const buyer of buyers) entries.push(await join(buyer, show.showtimeId, 1));
    await Promise.all([cancelBooking(bookings[1]!), cancelBooking(bookings[2]!)]);
    const offers = await Promise.all(buyers.map((buyer, i) => offered(buyer, entries[i]!.waitlistId)));
    const seats = await Promise.all(buyers.map(async (buyer, i) => (await payable(buyer, offers[i]!)).seats.map((s: { id: number }) => s.id)));
    expect(seats.flat().sort((x, y) => x - y)).to.deep.equal(show.seatIds.slice(2, 6));
    for (const [i, held] of seats.entries()) {
      expect(held).to.have.length(1);
      expect((await heldBy(held))[0]).to.deep.include({ status: 'held', checkout_id: offers[i] });
    }
    const [{ n }] = await deps.ds.query(
      "SELECT COUNT(*) AS n FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id WHERE b.showtime_id = ? AND b.status IN ('HOLDING', 'AWAITING_PAYMENT')",
      [show.showtimeId],
    );
    expect(Number(n), 'one open offer row per seat').to.equal(4);
  });

  it('the line closes when the showtime is cancelled: everyone waiting is told', async () => {
    const { show } = await soldOut('RR', 2);
    const waiting = await createUser(deps);
    const e = await join(waiting, show.showtimeId, 1);
    const admin = await createUser(deps, 'admin');
    const listed = await api.request('GET', `/api/v1/admin/showtimes/${show.showtimeId}/waitlist`, { token: admin.token });
    expect(listed.body.items.map((x: Entry & { user: { email: string } }) => [x.waitlistId, x.user.email, x.position])).to.deep.equal([[e.waitlistId, waiting.email, 1]]);
    const cancelled = await api.request('POST', `/api/v1/admin/showtimes/${show.showtimeId}/cancel`, { token: admin.token, body: {} });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.be.oneOf([200, 202]);
    await eventually(async () => (await entry(waiting, e.waitlistId)).status === 'closed', 20_000);
    const [email] = await sharedMailCatcher().waitFor(waiting.email);
    expect(email!.subject).to.match(/^Waitlist closed/);
    expect((await email!.parsed()).text).to.include('cancelled');
    await deps.temporal.workflow.getHandle(waitlistWorkflowId(deps.config.TASK_QUEUE, show.showtimeId)).result();
  });
});
