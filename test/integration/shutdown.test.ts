import { expect } from 'chai';
import { checkoutIdForKey } from '../../core/ids.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startTestApi } from '../support/http.js';
import { spawnApi, spawnWorker, type ServiceProcess } from '../support/processes.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

describe('graceful shutdown of the real processes', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let show: ShowtimeFixture;
  let user: TestUser;
  const procs: ServiceProcess[] = [];
  const workers: TestWorker[] = [];

  before(async () => {
    deps = await createTestDeps('shutdown', { config: { HOLD_TTL_SECONDS: '60' } });
    show = await createShowtime(deps.ds);
    user = await createUser(deps);
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await Promise.all(workers.map((w) => w.stop()));
    await deps?.close();
  });

  it('API: on SIGTERM it stops accepting, finishes the request in flight, closes its pools and exits 0', async () => {
    const api = await spawnApi(deps.config);
    procs.push(api);
    // No worker is running yet, so the hold is certainly still in flight when SIGTERM arrives.
    const key = 'shutdown-in-flight';
    const pending = fetch(`${api.baseUrl}/api/v1/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'idempotency-key': key },
      body: JSON.stringify({ showtimeId: show.showtimeId, seatIds: [show.seatIds[0]] }),
    });
    const handle = deps.temporal.workflow.getHandle(checkoutIdForKey(user.id, key));
    await eventually(async () => (await handle.describe()).status.name === 'RUNNING');
    api.child.kill('SIGTERM');
    await eventually(async () => {
      try {
        await fetch(`${api.baseUrl}/healthz`);
        return false;
      } catch {
        return true;
      }
    });
    workers.push(await startTestWorker(deps));
    const res = await pending;
    expect(res.status).to.equal(201);
    expect(await api.exited).to.equal(0);
    const log = api.output();
    expect(log).to.include('"msg":"api draining"');
    expect(log.indexOf('"msg":"api stopped"')).to.be.greaterThan(log.indexOf('"msg":"api draining"'));
  });

  it('worker: on SIGTERM it stops polling and exits 0; its checkouts carry on with the next worker', async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const worker = await spawnWorker(deps.config);
    procs.push(worker);
    const api = await startTestApi(deps);
    try {
      const held = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[1]] } });
      expect(held.status).to.equal(201);
      expect(await worker.kill('SIGTERM')).to.equal(0);
      expect(worker.output()).to.include('"msg":"worker stopped"');
      const next = await spawnWorker(deps.config);
      procs.push(next);
      const paid = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: user.token, body: { card: '4242424242424242' } });
      expect(paid.body.status).to.equal('CONFIRMED');
    } finally {
      await api.close();
    }
  });
});
