import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { JOIN_EVENT, SEATS_CHANGED_EVENT, type SeatChangeSet } from '../../live/protocol.js';
import { createSeatEventPublisher, type SeatEventPublisher } from '../../live/publisher.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture } from '../support/fixtures.js';
import { connectClient, connected, emitWithAck, nextEvent, startLiveTestApi, startPrivateRedis, type LiveTestApi, type PrivateRedis } from '../support/live.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

/** Commands whose arguments are channels, not keys (Redis's COMMAND GETKEYS knows no channels). */
const CHANNEL_COMMANDS: Record<string, (args: string[]) => string[]> = {
  publish: (a) => a.slice(0, 1),
  spublish: (a) => a.slice(0, 1),
  subscribe: (a) => a,
  psubscribe: (a) => a,
  ssubscribe: (a) => a,
  unsubscribe: (a) => a,
  punsubscribe: (a) => a,
  pubsub: (a) => a.slice(1),
};

/**
 * Two deployments can share one Redis only if nothing of one escapes its
 * REDIS_PREFIX. A private redis-server sees every command of one API node and
 * one worker (MONITOR) while they serve sign-ups, sign-ins, a checkout (rate
 * limits, admission claims, the hold's seat event) and a live socket; every
 * key and channel named must start with the prefix.
 */
describe('Redis: every key and channel carries REDIS_PREFIX', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let publisher: SeatEventPublisher;
  let worker: TestWorker;
  let api: LiveTestApi;
  let show: ShowtimeFixture;
  let monitor: Redis;
  let monitoring: Redis | undefined;
  let socket: Socket | undefined;
  const commands: string[][] = [];
  const prefix = 'deployment-a';

  before(async () => {
    redis = await startPrivateRedis();
    monitor = new Redis(redis.url);
    monitoring = await monitor.monitor();
    monitoring.on('monitor', (_time: string, args: string[]) => commands.push(args));
    deps = await createTestDeps('redis_prefix', { config: { REDIS_URL: redis.url, REDIS_PREFIX: prefix } });
    publisher = createSeatEventPublisher(redis.url, prefix, deps.log);
    worker = await startTestWorker(deps, { publisher });
    api = await startLiveTestApi(deps);
    show = await createShowtime(deps.ds);
  });
  after(async () => {
    socket?.disconnect();
    await api?.close();
    await worker?.stop();
    await publisher?.close();
    await deps?.close();
    monitoring?.disconnect();
    monitor?.disconnect();
    await redis?.kill();
  });

  it('sign-up, sign-in, a held checkout and a watching socket touch only prefixed keys and channels', async () => {
    const email = `prefix-${Date.now()}@example.test`;
    expect((await api.request('POST', '/api/v1/auth/register', { body: { email, password: 'prefix-pass-1', name: 'P' } })).status).to.equal(201);
    expect((await api.request('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-pass-1' } })).status).to.equal(401);
    expect((await api.request('POST', '/api/v1/auth/login', { body: { email, password: 'prefix-pass-1' } })).status).to.equal(200);

    socket = await connected(connectClient(api.baseUrl));
    const joined = await emitWithAck<{ ok: boolean }>(socket, JOIN_EVENT, { showtimeId: show.showtimeId });
    expect(joined.ok).to.equal(true);
    const seat = show.seatIds[0]!;
    const heldEvent = nextEvent<SeatChangeSet, true>(socket, SEATS_CHANGED_EVENT, (c) => (c.changes.some((x) => x.seatId === seat) ? true : undefined));
    const buyer = await createUser(deps);
    const hold = await api.request('POST', '/api/v1/checkouts', { token: buyer.token, body: { showtimeId: show.showtimeId, seatIds: [seat] } });
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    // The hold's seat event went out through Redis and reached the socket: everything above has been sent.
    await heldEvent;
    // Stop watching before asking Redis about what was seen (the questions would be seen too).
    monitoring?.disconnect();
    const seen = commands.splice(0);

    const named: string[] = [];
    const probe = new Redis(redis.url);
    try {
      for (const [name = '', ...args] of seen) {
        const command = name.toLowerCase();
        const channels = CHANNEL_COMMANDS[command];
        if (channels) {
          named.push(...channels(args));
          continue;
        }
        const keys = (await probe.call('COMMAND', 'GETKEYS', name, ...args).catch(() => [])) as string[];
        named.push(...keys);
      }
    } finally {
      probe.disconnect();
    }
    // What was meant to be seen was seen: rate-limit counters, seat claims, the Socket.IO channels.
    for (const part of [`${prefix}:rl:`, `${prefix}:claims:`, `${prefix}:socket.io`]) {
      expect(named.some((n) => n.startsWith(part)), `nothing under ${part} in ${seen.length} commands`).to.equal(true);
    }
    expect(named.filter((n) => !n.startsWith(`${prefix}:`))).to.deep.equal([]);
  });
});
