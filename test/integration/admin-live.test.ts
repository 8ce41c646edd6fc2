import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { SeatChangeSet } from '../../live/protocol.js';
import type { ShowtimeWatch } from '../../web/live-seats.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { connectClient, connected, fetchSeatMap, nextEvent, seatView, startLiveTestApi, watch, type LiveTestApi } from '../support/live.js';

/** Admin edits that lay a seat map out anew reach watchers as every other seat change does. */
describe('live seats: admin edits that rebuild a seat map', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let node: LiveTestApi;
  let show: ShowtimeFixture;
  let admin: TestUser;
  const sockets: Socket[] = [];
  const watches: ShowtimeWatch[] = [];

  before(async () => {
    deps = await createTestDeps('admin_live');
    node = await startLiveTestApi(deps);
    show = await createShowtime(deps.ds);
    admin = await createUser(deps, 'admin');
  });
  after(async () => {
    for (const w of watches) w.stop();
    for (const s of sockets) s.disconnect();
    await node?.close();
    await deps?.close();
  });

  async function watcher(showtimeId: number): Promise<[ShowtimeWatch, Socket]> {
    const socket = await connected(connectClient(node.baseUrl));
    sockets.push(socket);
    const w = watch(socket, node.baseUrl, showtimeId);
    watches.push(w);
    await eventually(async () => w.map !== null, 15_000, 10);
    return [w, socket];
  }

  it('re-pricing a showtime publishes a rebuilt change; the page refetches and ends equal to the REST seat map', async () => {
    const [w, socket] = await watcher(show.showtimeId);
    const before = w.map!.version;
    const rebuilt = nextEvent(socket, 'seats:changed', (e: SeatChangeSet) => (e.reason === 'rebuilt' ? e : undefined));
    const res = await node.request('PATCH', `/api/v1/admin/showtimes/${show.showtimeId}`, { token: admin.token, body: { basePrice: 1500 } });
    expect(res.status).to.equal(200);
    const event = await rebuilt;
    expect(event).to.include({ showtimeId: show.showtimeId, version: before + 1 });
    const rest = await fetchSeatMap(node.baseUrl, show.showtimeId);
    expect(rest.version).to.equal(event.version);
    expect(rest.seats.every((s) => !show.seatIds.includes(s.id)), 'the seats were rebuilt with new ids').to.equal(true);
    await eventually(async () => JSON.stringify(seatView(w.map)) === JSON.stringify(seatView(rest)), 10_000, 20);
    expect(w.map!.seats.map((s) => s.price)).to.deep.equal(rest.seats.map((s) => s.price));
  });

  it('a new layout for a hall publishes a rebuilt change for each of its showtimes', async () => {
    const other = await createShowtime(deps.ds);
    const [, socket] = await watcher(other.showtimeId);
    const rebuilt = nextEvent(socket, 'seats:changed', (e: SeatChangeSet) => (e.reason === 'rebuilt' && e.showtimeId === other.showtimeId ? e : undefined));
    const res = await node.request('PATCH', `/api/v1/admin/halls/${other.hallId}`, { token: admin.token, body: { layout: ['RRR.RRR', 'PPP.PPP'] } });
    expect(res.status).to.equal(200);
    const event = await rebuilt;
    expect((await fetchSeatMap(node.baseUrl, other.showtimeId)).version).to.equal(event.version);
  });
});
