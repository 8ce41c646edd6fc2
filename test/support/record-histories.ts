/**
 * Records real checkout histories as replay fixtures (test/fixtures/histories).
 * Run it when the workflows gain a new path: `npx tsx test/support/record-histories.ts`
 * (needs MySQL, Redis and a Temporal server as for the integration tests).
 * Fixtures already there are kept: they are the histories of older code that
 * the current code must still replay.
 */
import { existsSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { MOCK_CARDS } from '../../activities/payments/mock-provider.js';
import { createTestDeps } from './deps.js';
import { createShowtime, createUser, eventually } from './fixtures.js';
import { startTestApi } from './http.js';
import { startTestWorker } from './worker.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);

const deps = await createTestDeps('record_histories', { config: { HOLD_TTL_SECONDS: '2' } });
const worker = await startTestWorker(deps);
const api = await startTestApi(deps);
try {
  const show = await createShowtime(deps.ds);
  const user = await createUser(deps);
  const hold = async (seatIds: number[]) =>
    (await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } })).body;
  const pay = (id: string, card: string) => api.request('POST', `/api/v1/checkouts/${id}/pay`, { token: user.token, body: { card } });

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
    'hold-refused': async () => {
      await hold([show.seatIds[6]!]);
      const other = await createUser(deps);
      // With an Idempotency-Key the API skips its early seat check, so the refusal happens in the workflow.
      const res = await api.request('POST', '/api/v1/checkouts', {
        token: other.token,
        body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[6]!] },
        headers: { 'Idempotency-Key': 'record-refused' },
      });
      if (res.status !== 409) throw new Error(`expected a refused hold, got ${res.status}`);
      return lastWorkflowOf(other.id);
    },
  };

  async function lastWorkflowOf(userId: number): Promise<string> {
    for await (const wf of deps.temporal.workflow.list({ query: `UserId = "${userId}"` })) return wf.workflowId;
    throw new Error('no workflow');
  }

  for (const [name, run] of Object.entries(scenarios)) {
    const file = new URL(`${name}.pb`, DIR);
    if (existsSync(file)) continue;
    const id = await run();
    const handle = deps.temporal.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', 30_000, 200);
    // Binary protobuf: exactly what the server sent, no JSON mapping in between.
    writeFileSync(file, proto.temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
    process.stdout.write(`recorded ${name} (${id})\n`);
  }
} finally {
  await api.close();
  await worker.stop();
  await deps.close();
}
