import { expect } from 'chai';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import { ingestPaymentEvent } from '../../../api/payment-events.js';
import { cancelSignal, type CheckoutState } from '../../../workflows/contracts.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { statementsInProgress } from '../../support/database.js';
import { historyStepsMatching, timersFired } from '../../support/history.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

const HOLD_TTL_SECONDS = 3;

describe('checkout flow (real MySQL, real Temporal)', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let alice: TestUser;

  before(async () => {
    deps = await createTestDeps('checkout_flow', { config: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
    alice = await createUser(deps);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const hold = (user: TestUser, seatIds: number[], headers: Record<string, string> = {}) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds }, headers });
  const pay = (user: TestUser, id: string, card: string) => api.request('POST', `/api/v1/checkouts/${id}/pay`, { token: user.token, body: { card } });
  const bookingRow = async (id: string) => (await deps.ds.query('SELECT * FROM bookings WHERE id = ?', [id]))[0];

  it('hold → pay → CONFIRMED: seats booked, notification written, search attributes visible', async () => {
    const seats = show.seatIds.slice(0, 2);
    const held = await hold(alice, seats);
    expect(held.status).to.equal(201);
    expect(held.body).to.include({ status: 'AWAITING_PAYMENT', showtimeId: show.showtimeId, amount: 2000, currency: 'USD' });
    expect(held.body.checkoutId).to.match(/^chk_/);
    expect(held.body.payment).to.include({ provider: 'mock' });
    expect(held.body.payment.clientSecret).to.be.a('string');
    expect(held.body.seats.map((s: { label: string }) => s.label)).to.deep.equal(['A1', 'A2']);
    // The deadline the customer is shown is the one stored on the booking and on every held seat, one TTL after the hold.
    const booking = await bookingRow(held.body.checkoutId);
    expect(booking.hold_expires_at.toISOString()).to.equal(held.body.expiresAt);
    expect(booking.hold_expires_at.getTime() - booking.created_at.getTime()).to.equal(HOLD_TTL_SECONDS * 1000);
    const heldRows: { status: string; held_until: Date }[] = await deps.ds.query('SELECT status, held_until FROM show_seats WHERE id IN (?, ?)', seats);
    expect(heldRows.map((r) => [r.status, r.held_until.toISOString()])).to.deep.equal([
      ['held', held.body.expiresAt],
      ['held', held.body.expiresAt],
    ]);

    const paid = await pay(alice, held.body.checkoutId, '4242 4242 4242 4242');
    expect(paid.status).to.equal(200);
    expect(paid.body.status).to.equal('CONFIRMED');
    const rows = await seatStatuses(deps.ds, seats);
    expect(rows.map((s) => [s.status, s.booking_id])).to.deep.equal([
      ['booked', held.body.checkoutId],
      ['booked', held.body.checkoutId],
    ]);
    // The confirmation is queued just after the seats are booked: /pay answers once the booking is CONFIRMED.
    const note = await eventually(async () => (await deps.ds.query('SELECT kind, body, user_id FROM notifications WHERE booking_id = ?', [held.body.checkoutId]))[0]);
    expect(note).to.include({ kind: 'booking_confirmed', user_id: alice.id });
    expect(note.body).to.include('A1, A2');

    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of deps.temporal.workflow.list({
        query: `CheckoutStatus = "CONFIRMED" AND ShowtimeId = "${show.showtimeId}" AND UserId = "${alice.id}" AND SeatCount = 2`,
      })) ids.push(wf.workflowId);
      return ids.includes(held.body.checkoutId) ? ids : undefined;
    }, 15_000, 250);
    expect(found).to.include(held.body.checkoutId);
    const desc = await deps.temporal.workflow.getHandle(held.body.checkoutId).describe();
    expect(await desc.memo).to.deep.include({ seats: 'A1 A2', amount: 2000 });
  });

  it('a declined card keeps the hold; a second card then succeeds', async () => {
    const held = await hold(alice, [show.seatIds[2]!]);
    expect(held.status).to.equal(201);
    const declined = await pay(alice, held.body.checkoutId, MOCK_CARDS.declines);
    expect(declined.status).to.equal(402);
    expect(declined.body.error.code).to.equal('PAYMENT_DECLINED');
    expect((await seatStatuses(deps.ds, [show.seatIds[2]!]))[0]!.status).to.equal('held');
    const ok = await pay(alice, held.body.checkoutId, MOCK_CARDS.succeeds);
    expect(ok.status).to.equal(200);
    expect(ok.body.status).to.equal('CONFIRMED');
  });

  it('cancel releases the seats and cancels the intent', async () => {
    const seat = show.seatIds[3]!;
    const held = await hold(alice, [seat]);
    const cancelled = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.status).to.equal('CANCELLED');
    expect((await seatStatuses(deps.ds, [seat]))[0]).to.include({ status: 'available', checkout_id: null });
    expect((await deps.payments.getIntent(held.body.payment.intentId)).state).to.equal('canceled');
    const again = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    expect(again.status).to.equal(200);
    expect(again.body.status).to.equal('CANCELLED');
  });

  it('cancelling an intent the provider does not know answers canceled (compensation never sticks on it)', async () => {
    expect(await deps.payments.cancelIntent('mpi_unknown')).to.equal('canceled');
  });

  it('expiry: the hold timer fires, then the intent is cancelled and the seats released, never before expiresAt', async () => {
    const seat = show.seatIds[4]!;
    const held = await hold(alice, [seat]);
    const { checkoutId } = held.body;
    await deps.temporal.workflow.getHandle(checkoutId).result();
    expect((await seatStatuses(deps.ds, [seat]))[0]).to.include({ status: 'available', checkout_id: null });
    const booking = await bookingRow(checkoutId);
    expect(booking).to.include({ status: 'EXPIRED', reason: 'hold expired before payment' });
    // Order of events, not speed (the lead time of the release is a benchmark figure): the workflow waited on one
    // timer, which fired at or after the hold's deadline, before compensating (the intent's cancellation an
    // activity, the release a local activity), and the release was written after that.
    const [fired, ...more] = await timersFired(deps.temporal, checkoutId);
    expect(more).to.deep.equal([]);
    expect(fired!.getTime()).to.be.at.least(new Date(held.body.expiresAt).getTime());
    expect(booking.updated_at.getTime()).to.be.at.least(fired!.getTime());
    const steps = await historyStepsMatching(deps.temporal, checkoutId, /^(TIMER_|ACTIVITY_TASK_SCHEDULED|MARKER_RECORDED (?!core_)|WORKFLOW_EXECUTION_COMPLETED)/);
    expect(steps.map((step) => step.replace(/^TIMER_STARTED \d+ms$/, 'TIMER_STARTED'))).to.deep.equal([
      'MARKER_RECORDED reserveSeats',
      'TIMER_STARTED',
      'TIMER_FIRED',
      'ACTIVITY_TASK_SCHEDULED cancelPaymentIntent',
      'MARKER_RECORDED releaseSeats',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
    expect((await deps.payments.getIntent(held.body.payment.intentId)).state).to.equal('canceled');
    const late = await pay(alice, held.body.checkoutId, MOCK_CARDS.succeeds);
    expect(late.status).to.equal(409);
  });

  /**
   * Once the deadline's decision is in (the intent's cancellation, an activity),
   * the next task acts on it with local steps (releasing or confirming the
   * seats), recorded only when it completes. A message that reaches the server
   * while it runs makes the server refuse its completion, and the task runs
   * again with the message in view. Here the seat step of that task waits on a
   * row lock the test holds while a cancel arrives, so the retry provably
   * happens. Answers the checkout's result and the steps of its history.
   */
  async function cancelDuringDeadlineTask(checkoutId: string, seat: number, step: RegExp): Promise<{ final: CheckoutState; steps: string[] }> {
    const lock = deps.ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.startTransaction();
      await lock.query('SELECT id FROM show_seats WHERE id = ? FOR UPDATE', [seat]);
      await eventually(async () => (await statementsInProgress(deps.ds)).some((q) => step.test(q)), 15_000, 50);
      // Sent as the API sends it, with the time it was sent: after the deadline.
      await deps.temporal.workflow.getHandle(checkoutId).signal(cancelSignal, { reason: 'cancelled by customer', sentAt: new Date().toISOString() });
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }
    const final: CheckoutState = await deps.temporal.workflow.getHandle(checkoutId).result();
    return { final, steps: await historyStepsMatching(deps.temporal, checkoutId, /^(TIMER_FIRED|WORKFLOW_TASK_FAILED|WORKFLOW_EXECUTION_SIGNALED|WORKFLOW_EXECUTION_COMPLETED)/) };
  }

  it('a cancel that arrives while the deadline closes the checkout changes nothing: EXPIRED in the workflow and the booking alike', async () => {
    const seat = show.seatIds[10]!;
    const { checkoutId } = (await hold(alice, [seat])).body;
    const { final, steps } = await cancelDuringDeadlineTask(checkoutId, seat, /FROM show_seats WHERE checkout_id = .* FOR UPDATE/s);
    expect(steps).to.deep.equal(['TIMER_FIRED', 'WORKFLOW_TASK_FAILED', 'WORKFLOW_EXECUTION_SIGNALED cancel', 'WORKFLOW_EXECUTION_COMPLETED']);
    expect(final).to.include({ status: 'EXPIRED', reason: 'hold expired before payment' });
    expect(await bookingRow(checkoutId)).to.include({ status: 'EXPIRED', reason: 'hold expired before payment' });
    expect((await seatStatuses(deps.ds, [seat]))[0]).to.include({ status: 'available', checkout_id: null });
  });

  it('paid just before the deadline, cancelled while the deadline confirms it: the money still wins, the booking stays CONFIRMED', async () => {
    const seat = show.seatIds[11]!;
    const held = await hold(alice, [seat]);
    const { checkoutId } = held.body;
    const intentId: string = held.body.payment.intentId;
    // The provider took the money; its webhook has not arrived when the hold runs out.
    await deps.ds.query("UPDATE ledger_payment_intents SET status = 'succeeded' WHERE id = ?", [intentId]);
    const { final, steps } = await cancelDuringDeadlineTask(checkoutId, seat, /FROM show_seats WHERE id IN .* FOR UPDATE/s);
    expect(steps).to.deep.equal(['TIMER_FIRED', 'WORKFLOW_TASK_FAILED', 'WORKFLOW_EXECUTION_SIGNALED cancel', 'WORKFLOW_EXECUTION_COMPLETED']);
    expect(final).to.include({ status: 'CONFIRMED' });
    expect(await bookingRow(checkoutId)).to.include({ status: 'CONFIRMED' });
    expect((await seatStatuses(deps.ds, [seat]))[0]).to.include({ status: 'booked', checkout_id: checkoutId });
    expect((await deps.payments.getIntent(intentId)).state).to.equal('succeeded');
  });

  it('a payment that lands after the checkout expired is refunded and the seats stay free', async () => {
    const seat = show.seatIds[5]!;
    const held = await hold(alice, [seat]);
    const { checkoutId } = held.body;
    const intentId: string = held.body.payment.intentId;
    await eventually(async () => (await bookingRow(checkoutId)).status === 'EXPIRED', 10_000);
    // The provider captured the money anyway (it raced the cancellation) and its webhook arrives late.
    await deps.ds.query("UPDATE ledger_payment_intents SET status = 'succeeded' WHERE id = ?", [intentId]);
    const outcome = await ingestPaymentEvent(deps, {
      provider: 'mock',
      eventId: `evt_late_${checkoutId}`,
      type: 'payment_intent.succeeded',
      intentId,
      checkoutId,
      amount: held.body.amount,
      failureReason: null,
      payload: '{}',
    });
    expect(outcome).to.equal('applied');
    await eventually(async () => (await deps.payments.getIntent(intentId)).state === 'refunded', 10_000);
    expect((await seatStatuses(deps.ds, [seat]))[0]!.status).to.equal('available');
    expect((await bookingRow(checkoutId)).status).to.equal('EXPIRED');
  });

  it('the same payment event delivered twice has one effect', async () => {
    const held = await hold(alice, [show.seatIds[6]!]);
    const event = await deps.payments.payWithTestCard(held.body.payment.intentId, MOCK_CARDS.succeeds);
    const [first, second] = await Promise.all([ingestPaymentEvent(deps, event), ingestPaymentEvent(deps, event)]);
    expect([first, second].sort()).to.deep.equal(['applied', 'duplicate']);
    expect(await ingestPaymentEvent(deps, event)).to.equal('duplicate');
    await eventually(async () => (await bookingRow(held.body.checkoutId)).status === 'CONFIRMED');
    const [{ n }] = await deps.ds.query('SELECT COUNT(*) AS n FROM payment_events WHERE event_id = ?', [event.eventId]);
    expect(Number(n)).to.equal(1);
    // A replay after the workflow closed must not refund a confirmed booking either.
    await deps.temporal.workflow.getHandle(held.body.checkoutId).result();
    await deps.ds.query('DELETE FROM payment_events WHERE event_id = ?', [event.eventId]);
    expect(await ingestPaymentEvent(deps, event)).to.equal('applied');
    const refund = deps.temporal.workflow.getHandle(`refund-${held.body.payment.intentId}`);
    expect(await refund.result()).to.equal('kept-confirmed');
    expect((await deps.payments.getIntent(held.body.payment.intentId)).state).to.equal('succeeded');
  });
});
