import { expect } from 'chai';
import { WorkflowNotFoundError } from '@temporalio/client';
import { checkoutIdForKey } from '../../../core/ids.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

describe('checkout and booking API', function () {
  this.timeout(90_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;

  before(async () => {
    deps = await createTestDeps('checkout_api', {
      config: {
        HOLD_TTL_SECONDS: '30',
        MAX_SEATS_PER_CHECKOUT: '4',
        BOOKING_CANCEL_CUTOFF_MINUTES: '60',
        // The same two customers leave checkouts open from test to test; the limits have their own suite (open-limits.test.ts).
        MAX_OPEN_CHECKOUTS_PER_USER: '100',
        MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100',
      },
    });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
    [alice, bob, admin] = [await createUser(deps), await createUser(deps), await createUser(deps, 'admin')];
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const post = (path: string, user: TestUser | null, body: unknown, headers: Record<string, string> = {}) =>
    api.request('POST', `/api/v1${path}`, { ...(user ? { token: user.token } : {}), body, headers });
  const snapshot = async () => ({
    bookings: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM bookings'))[0].n),
    held: Number((await deps.ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE status <> 'available'"))[0].n),
    events: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM payment_events'))[0].n),
  });
  const payAndConfirm = async (user: TestUser, seatIds: number[], showtimeId = show.showtimeId) => {
    const held = await post('/checkouts', user, { showtimeId, seatIds });
    expect(held.status).to.equal(201);
    const paid = await post(`/checkouts/${held.body.checkoutId}/pay`, user, { card: '4242424242424242' });
    expect(paid.body.status).to.equal('CONFIRMED');
    return held.body.checkoutId as string;
  };

  describe('Idempotency-Key', () => {
    it('the same POST twice with one key is one checkout with the same response', async () => {
      const body = { showtimeId: show.showtimeId, seatIds: [show.seatIds[0]!] };
      const headers = { 'Idempotency-Key': 'key-one' };
      const [a, b] = await Promise.all([post('/checkouts', alice, body, headers), post('/checkouts', alice, body, headers)]);
      expect(a.status).to.equal(201);
      expect(b.status).to.equal(201);
      expect(b.body).to.deep.equal(a.body);
      const later = await post('/checkouts', alice, body, headers);
      expect(later.body).to.deep.equal(a.body);
      const [{ n }] = await deps.ds.query('SELECT COUNT(*) AS n FROM bookings WHERE user_id = ?', [alice.id]);
      expect(Number(n)).to.equal(1);
    });

    it('the same key with a different body is refused with 422 and changes nothing', async () => {
      const before = await snapshot();
      const res = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [show.seatIds[1]!] }, { 'Idempotency-Key': 'key-one' });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(await snapshot()).to.deep.equal(before);
    });

    it('keys are per user: another user with the same key gets a checkout of their own', async () => {
      const res = await post('/checkouts', bob, { showtimeId: show.showtimeId, seatIds: [show.seatIds[2]!] }, { 'Idempotency-Key': 'key-one' });
      expect(res.status).to.equal(201);
      const mine = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [show.seatIds[0]!] }, { 'Idempotency-Key': 'key-one' });
      // Alice's retry is answered from her own checkout of the first test, unchanged.
      expect(mine.status).to.equal(201);
      expect(mine.body.checkoutId).to.equal(checkoutIdForKey(alice.id, 'key-one'));
      expect(res.body.checkoutId).to.equal(checkoutIdForKey(bob.id, 'key-one'));
      expect(res.body.checkoutId).to.not.equal(mine.body.checkoutId);
    });

    it('a keyed POST for taken seats is refused before any workflow starts, and its retry gets the same 409', async () => {
      const body = { showtimeId: show.showtimeId, seatIds: [show.seatIds[0]!] };
      const first = await post('/checkouts', bob, body, { 'Idempotency-Key': 'bob-retry' });
      expect(first.status).to.equal(409);
      const started = await deps.temporal.workflow
        .getHandle(checkoutIdForKey(bob.id, 'bob-retry'))
        .describe()
        .then(
          () => true,
          (e: unknown) => (e instanceof WorkflowNotFoundError ? false : Promise.reject(e)),
        );
      expect(started, 'a loser starts no workflow').to.equal(false);
      const again = await post('/checkouts', bob, body, { 'Idempotency-Key': 'bob-retry' });
      expect(again.status).to.equal(409);
      expect(again.body).to.deep.equal(first.body);
    });
  });

  describe('bad input changes nothing', () => {
    const cases: [string, string, unknown, number, string][] = [
      ['no token', '/checkouts', { showtimeId: 1, seatIds: [1] }, 401, 'UNAUTHENTICATED'],
      ['missing body fields', '/checkouts', {}, 400, 'VALIDATION_FAILED'],
      ['seatIds not integers', '/checkouts', { showtimeId: 1, seatIds: ['a'] }, 400, 'VALIDATION_FAILED'],
      ['empty seatIds', '/checkouts', { showtimeId: 1, seatIds: [] }, 400, 'VALIDATION_FAILED'],
      ['unknown field', '/checkouts', { showtimeId: 1, seatIds: [1], extra: true }, 400, 'VALIDATION_FAILED'],
      ['unknown showtime', '/checkouts', { showtimeId: 999999, seatIds: [1] }, 404, 'NOT_FOUND'],
      ['malformed checkout id', '/checkouts/not-an-id/pay', { card: '4242424242424242' }, 400, 'VALIDATION_FAILED'],
      ['unknown checkout', '/checkouts/chk_00000000000000000000000000/cancel', {}, 404, 'NOT_FOUND'],
      ['malformed booking id', '/bookings/42/cancel', {}, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, path, body, status, code] of cases) {
      it(`${name} → ${status} ${code}`, async () => {
        const before = await snapshot();
        const res = await post(path, name === 'no token' ? null : alice, body);
        expect(res.status).to.equal(status);
        expect(res.body.error.code).to.equal(code);
        expect(res.body.error.message).to.be.a('string').with.length.greaterThan(0);
        expect(await snapshot()).to.deep.equal(before);
      });
    }

    it('a body that is not JSON → 400', async () => {
      const res = await api.request('POST', '/api/v1/checkouts', { token: alice.token, rawBody: '{"showtimeId": ', headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('too many seats → 422, seats of another showtime → 422', async () => {
      const before = await snapshot();
      const tooMany = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: show.seatIds.slice(10, 15) });
      expect(tooMany.status).to.equal(422);
      const other = await createShowtime(deps.ds);
      const foreign = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [other.seatIds[0]!] });
      expect(foreign.status).to.equal(422);
      expect(foreign.body.error.details).to.deep.equal({ unknownSeatIds: [other.seatIds[0]] });
      expect(await snapshot()).to.deep.equal(before);
    });

    it('an unknown card → 400 and the checkout still awaits payment', async () => {
      const held = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [show.seatIds[20]!] });
      const res = await post(`/checkouts/${held.body.checkoutId}/pay`, alice, { card: '1234 5678 9012 3456' });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      const now = await api.request('GET', `/api/v1/checkouts/${held.body.checkoutId}`, { token: alice.token });
      expect(now.body.status).to.equal('AWAITING_PAYMENT');
    });

    it('a showtime that has started → 422', async () => {
      const past = await createShowtime(deps.ds, { startsInMinutes: -5 });
      const res = await post('/checkouts', alice, { showtimeId: past.showtimeId, seatIds: [past.seatIds[0]!] });
      expect(res.status).to.equal(422);
    });
  });

  describe('ownership', () => {
    it('a checkout is visible to its owner and admins only', async () => {
      const held = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [show.seatIds[21]!] });
      const path = `/api/v1/checkouts/${held.body.checkoutId}`;
      expect((await api.request('GET', path, { token: alice.token })).status).to.equal(200);
      expect((await api.request('GET', path, { token: admin.token })).status).to.equal(200);
      expect((await api.request('GET', path, { token: bob.token })).status).to.equal(404);
      expect((await post(`/checkouts/${held.body.checkoutId}/cancel`, bob, {})).status).to.equal(404);
      expect((await post(`/checkouts/${held.body.checkoutId}/pay`, bob, { card: '4242424242424242' })).status).to.equal(404);
    });
  });

  describe('booking cancellation', () => {
    it('a confirmed booking cancelled before the cut-off is refunded and its seats are free again', async () => {
      const seat = show.seatIds[22]!;
      const id = await payAndConfirm(alice, [seat]);
      const listed = await api.request('GET', '/api/v1/bookings?status=CONFIRMED', { token: alice.token });
      expect(listed.body.items.map((b: { checkoutId: string }) => b.checkoutId)).to.include(id);
      const res = await post(`/bookings/${id}/cancel`, alice, { reason: 'plans changed' });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: 'REFUNDED', reason: 'plans changed' });
      expect((await seatStatuses(deps.ds, [seat]))[0]).to.include({ status: 'available', booking_id: null });
      const [{ payment_intent_id: intentId }] = await deps.ds.query('SELECT payment_intent_id FROM bookings WHERE id = ?', [id]);
      expect((await deps.payments.getIntent(intentId)).state).to.equal('refunded');
      const again = await post(`/bookings/${id}/cancel`, alice, {});
      expect(again.status).to.equal(200);
      expect(again.body.status).to.equal('REFUNDED');
    });

    it('after the cut-off the cancellation is refused with 409 and nothing changes', async () => {
      const soon = await createShowtime(deps.ds, { startsInMinutes: 30 });
      const id = await payAndConfirm(alice, [soon.seatIds[0]!], soon.showtimeId);
      const res = await post(`/bookings/${id}/cancel`, alice, {});
      expect(res.status).to.equal(409);
      expect((await seatStatuses(deps.ds, [soon.seatIds[0]!]))[0]!.status).to.equal('booked');
    });

    it('an unpaid checkout cannot be cancelled as a booking', async () => {
      const held = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [show.seatIds[23]!] });
      const res = await post(`/bookings/${held.body.checkoutId}/cancel`, alice, {});
      expect(res.status).to.equal(409);
    });
  });

  describe('admin: cancelling a showtime', () => {
    it('ends every open checkout and refunds every confirmed booking of it', async () => {
      const doomed = await createShowtime(deps.ds);
      const confirmed = await payAndConfirm(alice, [doomed.seatIds[0]!, doomed.seatIds[1]!], doomed.showtimeId);
      const open = await post('/checkouts', bob, { showtimeId: doomed.showtimeId, seatIds: [doomed.seatIds[2]!] });
      expect(open.status).to.equal(201);
      expect((await post(`/admin/showtimes/${doomed.showtimeId}/cancel`, alice, {})).status).to.equal(403);
      const res = await post(`/admin/showtimes/${doomed.showtimeId}/cancel`, admin, { reason: 'projector broke' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ showtimeId: doomed.showtimeId, status: 'cancelled', checkoutsEnded: 1, bookingsRefunded: 1 });
      await eventually(async () => {
        const rows = await seatStatuses(deps.ds, doomed.seatIds.slice(0, 3));
        return rows.every((r) => r.status === 'available');
      }, 15_000);
      const statuses = await deps.ds.query('SELECT id, status FROM bookings WHERE showtime_id = ? ORDER BY id', [doomed.showtimeId]);
      expect(Object.fromEntries(statuses.map((r: { id: string; status: string }) => [r.id, r.status]))).to.deep.equal({
        [confirmed]: 'REFUNDED',
        [open.body.checkoutId]: 'CANCELLED',
      });
      const late = await post('/checkouts', bob, { showtimeId: doomed.showtimeId, seatIds: [doomed.seatIds[5]!] });
      expect(late.status).to.equal(422);
    });

    it('lists bookings with a link to each workflow in the Temporal UI', async () => {
      const res = await api.request('GET', `/api/v1/admin/bookings?user=${alice.id}&status=CONFIRMED`, { token: admin.token });
      expect(res.status).to.equal(200);
      expect(res.body.items.length).to.be.greaterThan(0);
      for (const b of res.body.items) {
        expect(b.status).to.equal('CONFIRMED');
        expect(b.workflowUrl).to.equal(`${deps.config.TEMPORAL_UI_URL}/namespaces/default/workflows/${b.checkoutId}`);
      }
      expect((await api.request('GET', '/api/v1/admin/bookings', { token: alice.token })).status).to.equal(403);
    });
  });
});
