import { expect } from 'chai';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startTestApi, type TestApi } from '../support/http.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { cancelShowtimeWorkflowId } from '../../workflows/contracts.js';

/**
 * The console's bookings API against MariaDB and a real Temporal worker:
 * search, the detail page's facts, and the admin actions, which run through
 * the customer's own workflows and signals and land in the audit trail.
 */
const UI = 'http://temporal-ui.test:8233';

describe('admin bookings: search, detail, cancel with refund, release a hold', function () {
  this.timeout(90_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let soon: ShowtimeFixture;
  let admin: TestUser;
  let staff: TestUser;
  let ada: TestUser;
  let bob: TestUser;
  /** The next unused seat of each showtime. */
  const used = new Map<number, number>();

  const get = (token: string, path: string) => api.request('GET', `/api/v1${path}`, { token });
  const post = (token: string, path: string, body: unknown = {}) => api.request('POST', `/api/v1${path}`, { token, body });
  const hold = async (user: TestUser, s: ShowtimeFixture, n = 1): Promise<string> => {
    const from = used.get(s.showtimeId) ?? 0;
    used.set(s.showtimeId, from + n);
    const res = await post(user.token, '/checkouts', { showtimeId: s.showtimeId, seatIds: s.seatIds.slice(from, from + n) });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.checkoutId;
  };
  const book = async (user: TestUser, s: ShowtimeFixture, n = 1): Promise<string> => {
    const id = await hold(user, s, n);
    const paid = await post(user.token, `/checkouts/${id}/pay`, { card: MOCK_CARDS.succeeds });
    expect(paid.body.status, JSON.stringify(paid.body)).to.equal('CONFIRMED');
    return id;
  };
  const ids = (res: { body: { items: { checkoutId: string }[] } }) => res.body.items.map((b) => b.checkoutId).sort();
  const auditOf = async (bookingId: string) => (await get(admin.token, `/admin/audit?resource=booking&resourceId=${bookingId}`)).body.items;

  before(async () => {
    deps = await createTestDeps('admin_bookings', { config: { TEMPORAL_UI_URL: `${UI}/`, BOOKING_CANCEL_CUTOFF_MINUTES: '60' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds, { layout: ['RRRRRR', 'PPPPPP'] });
    soon = await createShowtime(deps.ds, { startsInMinutes: 30 });
    [admin, staff, ada, bob] = await Promise.all([createUser(deps, 'admin'), createUser(deps, 'staff'), createUser(deps), createUser(deps)]);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  it('finds bookings by email, status, showtime, part of the checkout id and the day they were made; staff may search', async () => {
    const adas = [await book(ada, show, 2), await book(ada, show)];
    const bobs = await book(bob, show);
    const open = await hold(bob, show);
    const email = ada.email.slice(1, ada.email.indexOf('@') + 4).toUpperCase();
    expect(ids(await get(staff.token, `/admin/bookings?email=${encodeURIComponent(email)}`))).to.deep.equal([...adas].sort());
    expect(ids(await get(admin.token, `/admin/bookings?showtime=${show.showtimeId}&status=AWAITING_PAYMENT`))).to.deep.equal([open]);
    expect(ids(await get(admin.token, `/admin/bookings?checkout=${bobs.slice(-8)}`))).to.deep.equal([bobs]);
    const today = new Date().toISOString().slice(0, 10);
    const made = await get(admin.token, `/admin/bookings?showtime=${show.showtimeId}&from=${today}&to=${today}`);
    expect(ids(made)).to.deep.equal([...adas, bobs, open].sort());
    expect((await get(admin.token, `/admin/bookings?showtime=${show.showtimeId}&to=2020-01-01`)).body.total).to.equal(0);
    expect((await get(admin.token, `/admin/bookings?email=%20%20&showtime=${show.showtimeId}`)).body.total, 'a blank email is no filter').to.equal(4);

    const [first] = (await get(admin.token, `/admin/bookings?checkout=${bobs}`)).body.items;
    expect(first).to.deep.include({ checkoutId: bobs, status: 'CONFIRMED', userId: bob.id, workflowUrl: `${UI}/namespaces/default/workflows/${bobs}` });
    expect(first.customer).to.deep.equal({ id: bob.id, email: bob.email, name: 'Test User' });
    expect((await get(ada.token, '/admin/bookings')).status).to.equal(403);
    expect((await get(admin.token, '/admin/bookings?from=2026-02-30')).status).to.equal(400);
  });

  it('shows a booking with its seats, payment events, messages and workflows; admins get its actions, staff none', async () => {
    const id = await book(ada, show, 2);
    // The confirmation is queued just after the seats are booked (/pay answers once the booking is CONFIRMED).
    const detail = await eventually(async () => {
      const d = await get(staff.token, `/admin/bookings/${id}`);
      return d.body.messages?.length ? d : undefined;
    });
    expect(detail.status, JSON.stringify(detail.body)).to.equal(200);
    expect(detail.body).to.deep.include({ checkoutId: id, status: 'CONFIRMED', paymentState: 'succeeded', refunds: [], actions: [], audit: [] });
    expect(detail.body.seats.map((s: { label: string }) => s.label)).to.have.length(2);
    expect(detail.body.paymentEvents.map((e: { type: string }) => e.type)).to.deep.equal(['payment_intent.succeeded']);
    expect(detail.body.paymentEvents[0].intentId).to.equal(detail.body.payment.intentId);
    expect(detail.body.messages).to.have.length(1);
    expect(detail.body.messages[0]).to.include({ kind: 'booking_confirmed', channel: 'email' });
    expect(detail.body.workflows).to.deep.equal([{ id, role: 'checkout', url: `${UI}/namespaces/default/workflows/${id}` }]);
    expect((await get(admin.token, `/admin/bookings/${id}`)).body.actions).to.deep.equal(['cancel']);
    expect((await get(admin.token, '/admin/bookings/chk_01JD3Z6R8W5X4V2T1S0Q9P8N7M')).status).to.equal(404);
    expect((await get(admin.token, '/admin/bookings/not-a-checkout')).status).to.equal(400);
    expect((await get(bob.token, `/admin/bookings/${id}`)).status).to.equal(403);
  });

  it('an admin cancels a confirmed booking with a refund past the customer cut-off, through the cancellation workflow, audited', async () => {
    const id = await book(ada, soon, 2);
    const seats = (await get(admin.token, `/admin/bookings/${id}`)).body.seats.map((s: { id: number }) => s.id);
    const late = await post(ada.token, `/bookings/${id}/cancel`);
    expect(late.status, 'the customer is past the 60-minute cut-off').to.equal(409);
    expect((await post(staff.token, `/admin/bookings/${id}/cancel`)).status, 'staff only read').to.equal(403);

    const res = await post(admin.token, `/admin/bookings/${id}/cancel`, { reason: 'projector broken' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ status: 'REFUNDED', reason: 'projector broken', paymentState: 'refunded', actions: [] });
    expect((await seatStatuses(deps.ds, seats)).map((s) => s.status)).to.deep.equal(['available', 'available']);
    const workflowId = `cancel-${id}`;
    expect(res.body.refunds).to.deep.equal([
      { kind: 'cancellation', amount: 2000, currency: 'USD', at: res.body.updatedAt, reason: 'projector broken', workflowId, workflowUrl: `${UI}/namespaces/default/workflows/${workflowId}` },
    ]);
    expect(res.body.workflows.map((w: { role: string }) => w.role)).to.deep.equal(['checkout', 'cancellation']);
    const described = await deps.temporal.workflow.getHandle(workflowId).describe();
    expect(described.type).to.equal('cancelBookingWorkflow');

    const [entry] = res.body.audit;
    expect(entry).to.deep.include({
      action: 'booking.cancel',
      resource: { type: 'booking', id },
      workflowId,
      workflowUrl: `${UI}/namespaces/default/workflows/${workflowId}`,
      changes: { status: { from: 'CONFIRMED', to: 'REFUNDED' }, reason: 'projector broken' },
    });
    expect(entry.actor).to.include({ id: admin.id, role: 'admin' });
    const again = await post(admin.token, `/admin/bookings/${id}/cancel`);
    expect(again.status).to.equal(200);
    expect(await auditOf(id), 'a refunded booking is not refunded twice').to.have.length(1);
  });

  it('an admin releases a stuck hold through its checkout workflow; a paid booking is refused, an open one cannot be refunded', async () => {
    const open = await hold(bob, show, 2);
    const seats = (await get(admin.token, `/admin/bookings/${open}`)).body.seats.map((s: { id: number }) => s.id);
    expect((await get(admin.token, `/admin/bookings/${open}`)).body.actions).to.deep.equal(['release']);
    expect((await post(admin.token, `/admin/bookings/${open}/cancel`)).status).to.equal(409);
    expect((await post(staff.token, `/admin/bookings/${open}/release`)).status).to.equal(403);

    const res = await post(admin.token, `/admin/bookings/${open}/release`, { reason: 'customer called: card lost' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ status: 'CANCELLED', reason: 'customer called: card lost', actions: [] });
    expect((await seatStatuses(deps.ds, seats)).map((s) => s.status)).to.deep.equal(['available', 'available']);
    expect(res.body.audit.map((e: { action: string; workflowId: string }) => [e.action, e.workflowId])).to.deep.equal([['booking.release', open]]);
    expect(res.body.audit[0].changes).to.deep.equal({ status: { from: 'AWAITING_PAYMENT', to: 'CANCELLED' }, reason: 'customer called: card lost' });

    expect((await post(admin.token, `/admin/bookings/${open}/release`)).status, 'already closed: nothing to do').to.equal(200);
    expect(await auditOf(open)).to.have.length(1);
    const paid = await book(bob, show);
    const refused = await post(admin.token, `/admin/bookings/${paid}/release`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('CONFLICT');
    expect(await auditOf(paid)).to.deep.equal([]);
  });

  it('cancelling a showtime is audited with its workflow and answers the refunds it started', async () => {
    const other = await createShowtime(deps.ds);
    const sold = await book(ada, other);
    const res = await post(admin.token, `/admin/showtimes/${other.showtimeId}/cancel`, { reason: 'flooded' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ showtimeId: other.showtimeId, status: 'cancelled', checkoutsEnded: 0, bookingsRefunded: 1 });
    const trail = (await get(admin.token, `/admin/audit?resource=showtime&resourceId=${other.showtimeId}`)).body.items;
    expect(trail.map((e: { action: string; workflowId: string }) => [e.action, e.workflowId])).to.deep.equal([['showtime.cancel', cancelShowtimeWorkflowId(deps.config.TASK_QUEUE, other.showtimeId)]]);
    expect(trail[0].changes).to.deep.equal({ status: { from: 'scheduled', to: 'cancelled' }, reason: 'flooded' });
    expect((await post(admin.token, `/admin/showtimes/${other.showtimeId}/cancel`)).status).to.equal(200);
    expect((await get(admin.token, `/admin/audit?resource=showtime&resourceId=${other.showtimeId}`)).body.total, 'cancelled once').to.equal(1);
    // The booking's refund runs in its own workflow, started by the showtime's.
    const refunded = await deps.temporal.workflow.getHandle(`cancel-${sold}`).result();
    expect(refunded).to.equal('REFUNDED');
  });
});
