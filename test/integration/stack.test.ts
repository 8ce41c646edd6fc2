import { expect } from 'chai';
import { systemClock } from '../../core/clock.js';
import { loadConfig } from '../../core/config.js';
import { createDataSource } from '../../db/data-source.js';
import type { DataSource } from 'typeorm';
import { createShowtime, createUser, seatStatuses } from '../support/fixtures.js';
import { isAlive, waitGone } from '../support/processes.js';
import { privateStack, type PrivateStack } from '../support/stack.js';

/**
 * The native stack's Temporal server keeps its state in a SQLite file (WAL,
 * synchronous=normal): a checkout held before the server is killed outright
 * is still there, and payable, once `scripts/stack up` has started it again.
 */
describe('scripts/stack: Temporal killed with SIGKILL', function () {
  this.timeout(240_000);
  let stack: PrivateStack;
  let ds: DataSource;

  before(async () => {
    stack = await privateStack({ name: 'kill9' });
    await stack.up();
    ds = createDataSource({ url: stack.env.DATABASE_URL!, poolSize: 2 });
    await ds.initialize();
  });
  after(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await stack?.destroy();
  });

  it('a held checkout survives kill -9 of Temporal and `scripts/stack up`, then pays to CONFIRMED', async () => {
    const config = loadConfig(stack.env);
    const user = await createUser({ ds, config, clock: systemClock });
    const show = await createShowtime(ds);
    const seat = show.seatIds[0]!;
    const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(stack.urls[0] + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { checkoutId: string; status: string } };
    };

    const held = await call('/api/v1/checkouts', { showtimeId: show.showtimeId, seatIds: [seat] }, { 'idempotency-key': 'kill9-hold' });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);

    const before = stack.pid('temporal')!;
    process.kill(before, 'SIGKILL');
    expect(await waitGone(before)).to.equal(true);
    await stack.up();
    const after = stack.pid('temporal')!;
    expect(after).to.not.equal(before);
    expect(isAlive(after)).to.equal(true);

    // The pay route signals the workflow and waits for it to close: CONFIRMED needs the workflow the dead server held.
    const paid = await call(`/api/v1/checkouts/${held.body.checkoutId}/pay`, { card: '4242 4242 4242 4242' });
    expect(paid.status, JSON.stringify(paid.body)).to.equal(200);
    expect(paid.body.status).to.equal('CONFIRMED');
    const [row] = await seatStatuses(ds, [seat]);
    expect(row).to.include({ status: 'booked', booking_id: held.body.checkoutId });
  });
});
