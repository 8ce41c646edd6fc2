import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { createDataSource } from '../../db/data-source.js';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import { createSeatEventPublisher, type SeatEventPublisher } from '../../live/publisher.js';
import { JOIN_EVENT, LEAVE_EVENT, type JoinAck, type LeaveAck } from '../../live/protocol.js';
import type { SeatChangeSet } from '../../live/protocol.js';
import type { ShowtimeWatch } from '../../web/src/lib/live-seats.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import {
  connectClient,
  connected,
  emitWithAck,
  fetchSeatMap,
  nextEvent,
  seatView,
  startLiveTestApi,
  startPrivateRedis,
  watch,
  type LiveTestApi,
  type PrivateRedis,
} from '../support/live.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

const HOLD_TTL_SECONDS = 2;
const CHANGED = 'seats:changed';

describe('live seats: Socket.IO on two API nodes through Redis, real worker', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let publisher: SeatEventPublisher;
  let worker: TestWorker;
  let nodeA: LiveTestApi;
  let nodeB: LiveTestApi;
  let show: ShowtimeFixture;
  let alice: TestUser;
  const sockets: Socket[] = [];
  const watches: ShowtimeWatch[] = [];

  before(async () => {
    // A private Redis: one test restarts it, and other suites' showtime ids must not reach these rooms.
    redis = await startPrivateRedis();
    deps = await createTestDeps('live_seats', { config: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), REDIS_URL: redis.url } });
    deps.redis.on('error', () => undefined); // the restart below is deliberate
    publisher = createSeatEventPublisher(redis.url, deps.config.REDIS_PREFIX, deps.log);
    worker = await startTestWorker(deps, { publisher });
    nodeA = await startLiveTestApi(deps);
    nodeB = await startLiveTestApi(deps, { limits: { joinsPerWindow: 8, maxRooms: 2, disconnectAfterRefusals: 6 } });
    show = await createShowtime(deps.ds);
    alice = await createUser(deps);
  });
  afterEach(() => {
    for (const w of watches.splice(0)) w.stop();
    for (const s of sockets.splice(0)) s.disconnect();
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await worker?.stop();
    await publisher?.close();
    await deps?.close();
    await redis?.kill();
  });

  const client = async (node: LiveTestApi): Promise<Socket> => {
    const s = connectClient(node.baseUrl);
    sockets.push(s);
    return connected(s);
  };
  const watchOn = async (node: LiveTestApi, showtimeId = show.showtimeId): Promise<[ShowtimeWatch, Socket]> => {
    const s = await client(node);
    const w = watch(s, node.baseUrl, showtimeId);
    watches.push(w);
    await eventually(async () => w.map !== null, 15_000, 10);
    return [w, s];
  };
  const hold = (seatIds: number[], via: LiveTestApi = nodeA) =>
    via.request('POST', '/api/v1/checkouts', { token: alice.token, body: { showtimeId: show.showtimeId, seatIds } });
  const statusOf = (w: ShowtimeWatch, seatId: number) => w.map!.seats.find((s) => s.id === seatId)!.status;
  /** Every change set a socket receives, in order. */
  const record = (s: Socket): SeatChangeSet[] => {
    const got: SeatChangeSet[] = [];
    s.on(CHANGED, (e: SeatChangeSet) => got.push(e));
    return got;
  };
  const restSeatMap = () => fetchSeatMap(nodeA.baseUrl, show.showtimeId);

  it('join acks with the seat map and its version, the same the REST endpoint serves', async () => {
    const s = await client(nodeB);
    const ack = await emitWithAck<JoinAck>(s, JOIN_EVENT, { showtimeId: show.showtimeId });
    expect(ack.ok).to.equal(true);
    if (!ack.ok) return;
    expect(ack.snapshot).to.deep.equal(await restSeatMap());
    expect(ack.snapshot.seats[0]).to.have.all.keys('id', 'label', 'row', 'number', 'type', 'price', 'status', 'gridRow', 'gridCol');
    expect(nodeB.live.io.of('/').adapter.rooms.get(`showtime:${show.showtimeId}`)?.size).to.equal(1);
    const left = await emitWithAck<LeaveAck>(s, LEAVE_EVENT, { showtimeId: show.showtimeId });
    expect(left).to.deep.equal({ ok: true });
    expect(nodeB.live.io.of('/').adapter.rooms.has(`showtime:${show.showtimeId}`)).to.equal(false);
  });

  it('a join refused because the database is away is tried again, and the watcher goes live once it is back', async () => {
    // A node of its own whose pool the test closes: every read it makes fails, as during a database restart.
    const pool = createDataSource({ url: deps.config.DATABASE_URL, poolSize: 2 });
    await pool.initialize();
    const node = await startLiveTestApi({ ...deps, ds: pool });
    try {
      await pool.destroy();
      const s = connectClient(node.baseUrl);
      sockets.push(s);
      const refusals: string[] = [];
      const w = watch(await connected(s), nodeA.baseUrl, show.showtimeId, { onError: (e) => refusals.push(e.code) });
      watches.push(w);
      await eventually(async () => refusals.length > 0, 10_000, 10);
      expect(refusals[0]).to.equal('SERVICE_UNAVAILABLE');
      expect(w.map, 'no seat map while the database is away').to.equal(null);
      await pool.initialize();
      await eventually(async () => w.map !== null, 15_000, 10);
      expect(seatView(w.map)).to.deep.equal(seatView(await restSeatMap()));
      expect(node.live.io.of('/').adapter.rooms.get(`showtime:${show.showtimeId}`)?.size, 'in the room again').to.equal(1);
    } finally {
      await node.close();
      if (pool.isInitialized) await pool.destroy();
    }
  });

  it('a client on node B sees a hold made through node A, its expiry, then a booking', async () => {
    const [onB, sockB] = await watchOn(nodeB);
    const [onA] = await watchOn(nodeA);
    const gotB = record(sockB);
    const v0 = onB.map!.version;
    const [s1, s2] = [show.seatIds[0]!, show.seatIds[1]!];

    const held = await hold([s1]);
    expect(held.status).to.equal(201);
    await eventually(async () => statusOf(onB, s1) === 'held', 15_000, 10);
    expect(onB.map!.version).to.equal(v0 + 1);
    expect(gotB[0]).to.deep.equal({ showtimeId: show.showtimeId, version: v0 + 1, changes: [{ seatId: s1, status: 'held' }], reason: 'held' });

    // HOLD_TTL_SECONDS later the worker releases it and says so.
    const expired = await nextEvent(sockB, CHANGED, (e: SeatChangeSet) => (e.reason === 'expired' ? e : undefined), (HOLD_TTL_SECONDS + 5) * 1000);
    expect(expired).to.deep.include({ version: v0 + 2, changes: [{ seatId: s1, status: 'available' }] });
    await eventually(async () => statusOf(onB, s1) === 'available', 2000, 10);

    const second = await hold([s2]);
    expect(second.status).to.equal(201);
    const paid = await nodeA.request('POST', `/api/v1/checkouts/${second.body.checkoutId}/pay`, { token: alice.token, body: { card: MOCK_CARDS.succeeds } });
    expect(paid.status).to.equal(200);
    await eventually(async () => statusOf(onB, s2) === 'booked' && statusOf(onA, s2) === 'booked', 15_000, 10);
    expect(gotB.map((e) => [e.version, e.reason])).to.deep.equal([
      [v0 + 1, 'held'],
      [v0 + 2, 'expired'],
      [v0 + 3, 'held'],
      [v0 + 4, 'booked'],
    ]);
    // Both nodes' watchers followed every step by events alone and agree with MySQL.
    for (const w of [onA, onB]) {
      expect(w.stats.resyncs).to.equal(0);
      expect(seatView(w.map)).to.deep.equal(seatView(await restSeatMap()));
    }
  });

  it('joining an unknown showtime or sending a bad payload is refused and joins no room', async () => {
    const s = await client(nodeA);
    const got = record(s);
    const unknown = await emitWithAck<JoinAck>(s, JOIN_EVENT, { showtimeId: 987654 });
    expect(unknown).to.deep.equal({ ok: false, error: { code: 'NOT_FOUND', message: 'showtime 987654 not found', details: { showtimeId: 987654 } } });
    for (const bad of [{ showtimeId: 'x' }, { showtimeId: -1 }, { showtimeId: 1.5 }, null, 'showtime:1', {}]) {
      const ack = await emitWithAck<JoinAck>(s, JOIN_EVENT, bad);
      expect(ack.ok, JSON.stringify(bad)).to.equal(false);
      if (!ack.ok) expect(ack.error.code).to.equal('VALIDATION_FAILED');
    }
    const server = [...nodeA.live.io.of('/').sockets.values()].find((x) => x.id === s.id)!;
    expect([...server.rooms]).to.deep.equal([s.id]);
    // Something published for that showtime never arrives. Proof that it was processed: a marker published
    // after it, on a showtime this socket now watches, does arrive; one publisher's messages reach each
    // node's Redis subscription in the order they were published.
    expect((await emitWithAck<JoinAck>(s, JOIN_EVENT, { showtimeId: show.showtimeId })).ok).to.equal(true);
    await publisher.publish({ showtimeId: 987654, version: 1, changes: [{ seatId: 1, status: 'held' }], reason: 'held' });
    const marker: SeatChangeSet = { showtimeId: show.showtimeId, version: 0, changes: [], reason: 'held' };
    await publisher.publish(marker);
    await eventually(async () => got.length > 0, 10_000, 10);
    expect(got).to.deep.equal([marker]);
  });

  it('limits rooms per socket and joins per window, and disconnects a socket that keeps flooding', async () => {
    const others = await Promise.all([createShowtime(deps.ds, { layout: ['RR'] }), createShowtime(deps.ds, { layout: ['RR'] })]);
    const s = await client(nodeB);
    const join = (showtimeId: number) => emitWithAck<JoinAck>(s, JOIN_EVENT, { showtimeId });
    expect((await join(show.showtimeId)).ok).to.equal(true);
    expect((await join(others[0]!.showtimeId)).ok).to.equal(true);
    const third = await join(others[1]!.showtimeId);
    expect(third).to.deep.include({ ok: false });
    if (!third.ok) expect(third.error).to.deep.include({ code: 'RATE_LIMITED', details: { limit: 'rooms', max: 2 } });
    await emitWithAck(s, LEAVE_EVENT, { showtimeId: others[0]!.showtimeId });
    expect((await join(others[1]!.showtimeId)).ok).to.equal(true);
    // A re-join of a watched showtime is fine (it refreshes the snapshot) but counts towards the window.
    const acks: JoinAck[] = [];
    for (let i = 0; i < 5; i++) acks.push(await join(show.showtimeId));
    expect(acks.map((a) => a.ok)).to.deep.equal([true, true, true, true, false]); // 8 joins per window
    const limited = acks[4]!;
    if (!limited.ok) {
      expect(limited.error.code).to.equal('RATE_LIMITED');
      expect(limited.error.details).to.include({ limit: 'joins' });
      expect(limited.error.details!.retryAfterMs).to.be.within(1, 10_000);
    }
    // Refusals 2..6 in the window: the server drops the connection (and the client does not reconnect).
    const dropped = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 5; i++) s.emit(JOIN_EVENT, { showtimeId: show.showtimeId }, () => undefined);
    expect(await dropped).to.equal('io server disconnect');
  });

  it('a version gap (a change never published) triggers a resync that ends equal to the REST seat map', async () => {
    const [w] = await watchOn(nodeB);
    const v = w.map!.version;
    const sneaky = show.seatIds[5]!;
    // Changed in SQL with a version bump, but nobody publishes it.
    await deps.ds.transaction(async (m) => {
      await m.query("UPDATE show_seats SET status = 'booked' WHERE id = ?", [sneaky]);
      await m.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [show.showtimeId]);
    });
    expect(statusOf(w, sneaky)).to.equal('available');
    // The next published change (v + 2) reveals the gap.
    const held = await hold([show.seatIds[6]!]);
    expect(held.status).to.equal(201);
    await eventually(async () => w.stats.resyncs >= 1 && w.map!.version >= v + 2, 15_000, 10);
    expect(w.stats.gaps).to.be.at.least(1);
    expect(statusOf(w, sneaky)).to.equal('booked');
    expect(statusOf(w, show.seatIds[6]!)).to.equal('held');
    expect(seatView(w.map)).to.deep.equal(seatView(await restSeatMap()));
    await nodeA.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
  });

  it('duplicate and out-of-order deliveries are harmless (publishing is at-least-once)', async () => {
    const [w] = await watchOn(nodeA);
    const before = seatView(w.map);
    const v = w.map!.version;
    const seat = show.seatIds[7]!;
    // A stale re-delivery of an old version changes nothing; the watcher counting it as a duplicate shows it was handled.
    const duplicates = w.stats.duplicates;
    await publisher.publish({ showtimeId: show.showtimeId, version: v, changes: [{ seatId: seat, status: 'booked' }], reason: 'booked' });
    await eventually(async () => w.stats.duplicates === duplicates + 1, 10_000, 10);
    expect(seatView(w.map)).to.deep.equal(before);
    // v+2 arriving before v+1 (two workers racing): both are applied in order, no refetch.
    await publisher.publish({ showtimeId: show.showtimeId, version: v + 2, changes: [{ seatId: seat, status: 'available' }], reason: 'released' });
    await publisher.publish({ showtimeId: show.showtimeId, version: v + 1, changes: [{ seatId: seat, status: 'held' }], reason: 'held' });
    await eventually(async () => w.map!.version === v + 2, 3000, 10);
    expect(w.stats.resyncs).to.equal(0);
    expect(statusOf(w, seat)).to.equal('available');
    // Those were synthetic; put the real version back in step for the next tests.
    await deps.ds.query('UPDATE showtimes SET seat_version = seat_version + 2 WHERE id = ?', [show.showtimeId]);
  });

  it('a client whose connection dropped re-joins on reconnect and catches up on what it missed', async () => {
    const [onB, sockB] = await watchOn(nodeB);
    const [onA] = await watchOn(nodeA);
    const seat = show.seatIds[11]!;
    // The transport dies (a proxy restart, a phone changing networks); hold off the reconnect for a moment.
    sockB.io.reconnection(false);
    const gone = new Promise<string>((resolve) => sockB.once('disconnect', (reason) => resolve(reason)));
    [...nodeB.live.io.of('/').sockets.values()].find((x) => x.id === sockB.id)!.conn.close();
    expect(await gone).to.equal('transport close');
    expect(onB.state).to.equal('reconnecting');
    const held = await hold([seat]);
    expect(held.status).to.equal(201);
    await eventually(async () => statusOf(onA, seat) === 'held', 15_000, 10); // published; B missed it
    expect(statusOf(onB, seat)).to.equal('available');

    sockB.io.reconnection(true);
    sockB.connect();
    await eventually(async () => onB.state === 'live' && statusOf(onB, seat) === 'held', 15_000, 10);
    expect(onB.stats.joins).to.equal(2);
    expect(seatView(onB.map)).to.deep.equal(seatView(await restSeatMap()));
    await nodeA.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    await eventually(async () => statusOf(onB, seat) === 'available', 15_000, 10);
  });

  it('keeps the sockets gauge of each node at its open connections', async () => {
    const gauge = async (n: LiveTestApi) => (await n.metrics.sockets.get()).values[0]?.value ?? 0;
    await eventually(async () => (await gauge(nodeA)) === 0 && (await gauge(nodeB)) === 0, 3000, 20);
    await client(nodeA);
    await client(nodeB);
    await client(nodeB);
    await eventually(async () => (await gauge(nodeA)) === 1 && (await gauge(nodeB)) === 2, 3000, 20);
    sockets.pop()!.disconnect();
    await eventually(async () => (await gauge(nodeB)) === 1, 3000, 20);
  });

  it('a node started while Redis is down waits for it instead of exiting, then delivers seat events', async () => {
    // The adapter subscribes when the node starts; a subscription that gave up would be an unhandled rejection,
    // which ends an API process (found by the chaos soak: a node restarted during a Redis restart exited).
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    await redis.kill();
    const late = await startLiveTestApi(deps);
    try {
      // ioredis fails a queued command after three reconnections (about 300 ms here): wait well past that.
      await new Promise((r) => setTimeout(r, 2000));
      expect(unhandled.map(String)).to.deep.equal([]);
      await redis.start();
      const [w] = await watchOn(late);
      const seat = show.seatIds[12]!;
      const held = await hold([seat]);
      expect(held.status).to.equal(201);
      await eventually(async () => statusOf(w, seat) === 'held', 15_000, 20);
      await nodeA.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await late.close();
    }
  });

  it('after a Redis restart the clients on both nodes recover and converge on the REST seat map', async () => {
    const [onA] = await watchOn(nodeA);
    const [onB] = await watchOn(nodeB);
    const [s1, s2, s3] = [show.seatIds[8]!, show.seatIds[9]!, show.seatIds[10]!];

    await redis.kill();
    // Committed while Redis is down: its event cannot be delivered, and the worker's publish of it has failed.
    const held = await hold([s1]);
    expect(held.status).to.equal(201);
    await eventually(async () => worker.publisher.failed.some((c) => c.changes.some((x) => x.seatId === s1)), 10_000, 10);
    expect(statusOf(onA, s1)).to.equal('available');
    expect(statusOf(onB, s1)).to.equal('available');

    await redis.start();
    // Each node's adapter resubscribes and asks its clients to resync; the sockets themselves never dropped.
    await eventually(async () => statusOf(onA, s1) === 'held' && statusOf(onB, s1) === 'held', 15_000, 20);
    await eventually(async () => onA.stats.resyncs >= 1 && onB.stats.resyncs >= 1, 15_000, 20);
    for (const w of [onA, onB]) expect(w.stats.joins).to.equal(1);
    // Live again: a change after the restart arrives by event.
    const resyncs = onB.stats.resyncs;
    const second = await hold([s2, s3]);
    expect(second.status).to.equal(201);
    await eventually(async () => statusOf(onA, s2) === 'held' && statusOf(onB, s3) === 'held', 15_000, 10);
    expect(onB.stats.resyncs).to.equal(resyncs);
    const rest = seatView(await restSeatMap());
    expect(seatView(onA.map)).to.deep.equal(rest);
    expect(seatView(onB.map)).to.deep.equal(rest);
    for (const c of [held, second]) await nodeA.request('POST', `/api/v1/checkouts/${c.body.checkoutId}/cancel`, { token: alice.token, body: {} });
  });
});
