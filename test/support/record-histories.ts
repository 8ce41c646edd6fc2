/**
 * Records real histories as replay fixtures (test/fixtures/histories), one per
 * scenario, named `<shape>-<scenario>.pb`:
 * `npx tsx test/support/record-histories.ts r2 [scenario …]` (needs MySQL,
 * Redis and a Temporal server as for the integration tests; without scenario
 * names, all of them). Run it with a new shape name when the workflows'
 * command sequence changes (behind `patched()`) or a new workflow comes;
 * release 1's files carry no shape. Fixtures already there are never re-recorded: they
 * are the histories of older code that the current code must still replay.
 */
import { existsSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import { PaymentProviderError, type PaymentProvider } from '../../payments/provider.js';
import { ingestPaymentEvent } from '../../api/payment-events.js';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { newCheckoutId } from '../../core/ids.js';
import * as checkouts from '../../db/checkouts.js';
import { cancelShowtimeWorkflowId, holdUpdate, lookAgainSignal, paymentSucceededSignal, waitlistWorkflowId } from '../../workflows/contracts.js';
import { createTestDeps } from './deps.js';
import { createShowtime, createUser, eventually } from './fixtures.js';
import { startTestApi } from './http.js';
import { startMailCatcher } from './mail.js';
import { startTestWorker, terminateWaitlists, testActivities } from './worker.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);
const [shape, ...only] = process.argv.slice(2);
if (!shape || !/^r\d+$/.test(shape)) throw new Error('usage: record-histories.ts <shape, e.g. r2> [scenario …]');

// Confirmations and waitlist offers are emailed before their workflows close.
const mail = await startMailCatcher();
const deps = await createTestDeps('record_histories', {
  config: { SMTP_URL: mail.smtpUrl, HOLD_TTL_SECONDS: '2', HOLD_EXTENSION_SECONDS: '2', WAITLIST_OFFER_SECONDS: '2', MAX_OPEN_CHECKOUTS_PER_USER: '100', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100' },
});
// The provider the worker and API use; `outage` makes every intent creation fail as a provider outage would.
let outage = false;
const provider: PaymentProvider = deps.payments;
deps.payments = Object.assign(Object.create(provider) as PaymentProvider, {
  createIntent: (input: Parameters<PaymentProvider['createIntent']>[0]) => {
    if (outage) return Promise.reject(new PaymentProviderError('recorded outage', true));
    return provider.createIntent(input);
  },
});
const worker = await startTestWorker(deps);
const api = await startTestApi(deps);
try {
  const show = await createShowtime(deps.ds);
  const user = await createUser(deps);
  const hold = async (seatIds: number[]) =>
    (await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } })).body;
  const admin = await createUser(deps, 'admin');
  let cancelledShowtimeId = 0;
  const hold2 = async (showtimeId: number, seatIds: number[]) =>
    (await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId, seatIds } })).body;
  const pay = (id: string, card: string) => api.request('POST', `/api/v1/checkouts/${id}/pay`, { token: user.token, body: { card } });

  /** A sold-out showtime of two seats with a buyer in its line for both; the booking's cancel turns into their offer. */
  const offered = async (): Promise<{ showtimeId: number; offerId: string; waiter: Awaited<ReturnType<typeof createUser>> }> => {
    const sold = await createShowtime(deps.ds, { layout: ['RR'] });
    const booking = await hold2(sold.showtimeId, sold.seatIds);
    await pay(booking.checkoutId, MOCK_CARDS.succeeds);
    const waiter = await createUser(deps);
    const entry = (await api.request('POST', `/api/v1/showtimes/${sold.showtimeId}/waitlist`, { token: waiter.token, body: { count: 2 } })).body;
    await api.request('POST', `/api/v1/bookings/${booking.checkoutId}/cancel`, { token: user.token, body: {} });
    const offerId = await eventually(async () => {
      const e = (await api.request('GET', `/api/v1/waitlist/${entry.waitlistId}`, { token: waiter.token })).body;
      if (!e.offer) return undefined;
      const c = (await api.request('GET', `/api/v1/checkouts/${e.offer.checkoutId}`, { token: waiter.token })).body;
      return c.status === 'AWAITING_PAYMENT' ? (e.offer.checkoutId as string) : undefined;
    }, 30_000);
    return { showtimeId: sold.showtimeId, offerId, waiter };
  };
  let lapsedShowtimeId = 0;

  const scenarios: Record<string, () => Promise<string>> = {
    'booking-cancelled': async () => {
      const c = await hold([show.seatIds[5]!]);
      await pay(c.checkoutId, MOCK_CARDS.succeeds);
      await api.request('POST', `/api/v1/bookings/${c.checkoutId}/cancel`, { token: user.token, body: {} });
      return `cancel-${c.checkoutId}`;
    },
    confirmed: async () => {
      const c = await hold([show.seatIds[0]!, show.seatIds[1]!]);
      await pay(c.checkoutId, MOCK_CARDS.succeeds);
      return c.checkoutId;
    },
    'declined-then-confirmed': async () => {
      const c = await hold([show.seatIds[2]!]);
      await pay(c.checkoutId, MOCK_CARDS.declines);
      await pay(c.checkoutId, MOCK_CARDS.succeeds);
      return c.checkoutId;
    },
    cancelled: async () => {
      const c = await hold([show.seatIds[3]!]);
      await api.request('POST', `/api/v1/checkouts/${c.checkoutId}/cancel`, { token: user.token, body: {} });
      return c.checkoutId;
    },
    expired: async () => (await hold([show.seatIds[4]!])).checkoutId,
    'extended-then-expired': async () => {
      const c = await hold([show.seatIds[11]!]);
      const res = await api.request('POST', `/api/v1/checkouts/${c.checkoutId}/extend`, { token: user.token });
      if (res.status !== 200) throw new Error(`extension answered ${res.status}`);
      return c.checkoutId;
    },
    'extended-then-confirmed': async () => {
      const c = await hold([show.seatIds[12]!]);
      await api.request('POST', `/api/v1/checkouts/${c.checkoutId}/extend`, { token: user.token });
      await pay(c.checkoutId, MOCK_CARDS.succeeds);
      return c.checkoutId;
    },
    'best-available-confirmed': async () => {
      const own = await createShowtime(deps.ds);
      const res = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: own.showtimeId, bestAvailable: { count: 2 } } });
      await pay(res.body.checkoutId, MOCK_CARDS.succeeds);
      return res.body.checkoutId;
    },
    // The intent was paid at the provider but its event never came: at the deadline the money wins.
    'paid-at-deadline': async () => {
      const c = await hold([show.seatIds[7]!]);
      await deps.ds.query("UPDATE ledger_payment_intents SET status = 'succeeded' WHERE id = ?", [c.payment.intentId]);
      return c.checkoutId;
    },
    'payment-mismatched': async () => {
      const c = await hold([show.seatIds[8]!]);
      await deps.ds.query("UPDATE ledger_payment_intents SET status = 'succeeded' WHERE id = ?", [c.payment.intentId]);
      await deps.temporal.workflow.getHandle(c.checkoutId).signal(paymentSucceededSignal, { intentId: c.payment.intentId, amount: c.amount + 1 });
      return c.checkoutId;
    },
    'refund-late-payment': async () => {
      const c = await hold([show.seatIds[9]!]);
      await deps.temporal.workflow.getHandle(c.checkoutId).result();
      await deps.ds.query("UPDATE ledger_payment_intents SET status = 'succeeded' WHERE id = ?", [c.payment.intentId]);
      await ingestPaymentEvent(deps, {
        provider: 'mock',
        eventId: `evt_late_${c.checkoutId}`,
        type: 'payment_intent.succeeded',
        intentId: c.payment.intentId,
        checkoutId: c.checkoutId,
        amount: c.amount,
        failureReason: null,
        payload: '{}',
      });
      return `refund-${c.payment.intentId}`;
    },
    'hold-provider-outage': async () => {
      outage = true;
      try {
        const res = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[10]!] } });
        if (res.status !== 503) throw new Error(`expected 503 from the outage, got ${res.status}`);
      } finally {
        outage = false;
      }
      return lastWorkflowOf(user.id);
    },
    'showtime-cancelled-checkout': async () => {
      const other = await createShowtime(deps.ds);
      const open = await hold2(other.showtimeId, [other.seatIds[0]!]);
      const sold = await hold2(other.showtimeId, [other.seatIds[1]!]);
      await pay(sold.checkoutId, MOCK_CARDS.succeeds);
      const res = await api.request('POST', `/api/v1/admin/showtimes/${other.showtimeId}/cancel`, { token: admin.token, body: {} });
      if (res.status >= 300) throw new Error(`showtime cancel answered ${res.status}`);
      await deps.temporal.workflow.getHandle(cancelShowtimeWorkflowId(deps.config.TASK_QUEUE, other.showtimeId)).result();
      cancelledShowtimeId = other.showtimeId;
      return open.checkoutId;
    },
    'showtime-cancelled': async () => cancelShowtimeWorkflowId(deps.config.TASK_QUEUE, cancelledShowtimeId),
    // An offer from the waitlist: a checkout whose hold was written by the line, paid by its buyer.
    'waitlist-offer-paid': async () => {
      const { offerId, waiter } = await offered();
      await api.request('POST', `/api/v1/checkouts/${offerId}/pay`, { token: waiter.token, body: { card: MOCK_CARDS.succeeds } });
      return offerId;
    },
    'waitlist-offer-lapsed': async () => {
      const { showtimeId, offerId } = await offered();
      lapsedShowtimeId = showtimeId;
      return offerId;
    },
    // The line of the lapsed offer's showtime: it offered, then closed when the showtime was cancelled.
    'waitlist-closed': async () => {
      const res = await api.request('POST', `/api/v1/admin/showtimes/${lapsedShowtimeId}/cancel`, { token: admin.token, body: {} });
      if (res.status >= 300) throw new Error(`showtime cancel answered ${res.status}`);
      return waitlistWorkflowId(deps.config.TASK_QUEUE, lapsedShowtimeId);
    },
    // An offer written by a step whose answer was lost (its worker died), whose buyer left before the line started
    // its checkout: the line starts the checkout and cancels it. The line closes with its showtime.
    'waitlist-left-offer-cancelled': async () => {
      const sold = await createShowtime(deps.ds, { layout: ['RR'] });
      const booking = await hold2(sold.showtimeId, sold.seatIds);
      await pay(booking.checkoutId, MOCK_CARDS.succeeds);
      const waiter = await createUser(deps);
      const entry = (await api.request('POST', `/api/v1/showtimes/${sold.showtimeId}/waitlist`, { token: waiter.token, body: { count: 2 } })).body;
      const now = new Date();
      await checkouts.refundBooking(deps.ds, { bookingId: booking.checkoutId, reason: 'recorded', graceUntil: new Date(now.getTime() + 60_000), now });
      const offerId = (await testActivities(deps).offerSeatsToWaitlist({ showtimeId: sold.showtimeId })).offers[0]!.checkoutId;
      await api.request('DELETE', `/api/v1/waitlist/${entry.waitlistId}`, { token: waiter.token });
      const line = deps.temporal.workflow.getHandle(waitlistWorkflowId(deps.config.TASK_QUEUE, sold.showtimeId));
      await line.signal(lookAgainSignal);
      await eventually(async () => (await api.request('GET', `/api/v1/checkouts/${offerId}`, { token: waiter.token })).body.status === 'CANCELLED', 30_000);
      const res = await api.request('POST', `/api/v1/admin/showtimes/${sold.showtimeId}/cancel`, { token: admin.token, body: {} });
      if (res.status >= 300) throw new Error(`showtime cancel answered ${res.status}`);
      return line.workflowId;
    },
    'hold-refused': async () => {
      await hold([show.seatIds[6]!]);
      // The API refuses taken seats before a workflow starts; this starts one as the API would, so the row lock refuses it.
      const checkoutId = newCheckoutId();
      const input = { checkoutId, userId: user.id, showtimeId: show.showtimeId, seatIds: [show.seatIds[6]!], requestHash: 'refused', idempotencyKey: null };
      const start = new WithStartWorkflowOperation('checkoutWorkflow', { workflowId: checkoutId, taskQueue: deps.config.TASK_QUEUE, args: [input], workflowIdConflictPolicy: 'FAIL' });
      await deps.temporal.workflow.executeUpdateWithStart(holdUpdate, { args: [{ requestHash: 'refused' }], startWorkflowOperation: start }).then(
        () => Promise.reject(new Error('expected a refused hold')),
        () => undefined,
      );
      return checkoutId;
    },
  };

  async function lastWorkflowOf(userId: number): Promise<string> {
    for await (const wf of deps.temporal.workflow.list({ query: `UserId = "${userId}"` })) return wf.workflowId;
    throw new Error('no workflow');
  }

  const unknown = only.filter((name) => !(name in scenarios));
  if (unknown.length) throw new Error(`no such scenarios: ${unknown.join(', ')}`);
  for (const [name, run] of Object.entries(scenarios)) {
    if (only.length && !only.includes(name)) continue;
    const file = new URL(`${shape}-${name}.pb`, DIR);
    if (existsSync(file)) continue;
    const id = await run();
    const handle = deps.temporal.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', 60_000, 200);
    // Binary protobuf: exactly what the server sent, no JSON mapping in between.
    writeFileSync(file, proto.temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
    process.stdout.write(`recorded ${name} (${id})\n`);
  }
} finally {
  await terminateWaitlists(deps);
  await api.close();
  await worker.stop();
  await deps.close();
  await mail.stop();
}
