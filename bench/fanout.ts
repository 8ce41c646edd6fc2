/**
 * Seat-change fan-out: for each count in CLIENTS, that many socket.io clients
 * spread over two API nodes watch one showtime; for each of ITERATIONS holds
 * (made through REST on node 1) the time from just before the POST to each
 * client's receipt of the `seats:changed` event. REST latency is reported
 * separately, and a second series publishes straight into Redis the way the
 * worker does (no REST, Temporal or MySQL), so the fan-out part can be told
 * apart. Memory per connection is the RSS growth of the API processes (from
 * their /metrics) divided by the clients.
 *
 *   npx tsx bench/fanout.ts                  private `API_NODES=2 scripts/stack`
 *   BASE_URLS=http://127.0.0.1:3000,http://127.0.0.1:3001 npx tsx bench/fanout.ts
 *                                            a running two-node stack (`API_NODES=2 scripts/stack up`)
 *
 * Env: CLIENTS (1000,5000), ITERATIONS (30), WARMUP (3). The clients all live in
 * this one Node process, so its own event loop is part of every measurement.
 * Loopback only; every loop is bounded. Writes bench/results/fanout.json.
 */
import { io, type Socket } from 'socket.io-client';
import { createLogger } from '../core/logger.js';
import { createSeatEventPublisher } from '../live/publisher.js';
import { createShowtime } from '../test/support/fixtures.js';
import { call, hold } from './lib/api.js';
import { buyers } from './lib/fixtures.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { envNumber } from './lib/settings.js';
import { summarize } from './lib/stats.js';
import { openStack, type BenchStack } from './lib/stack.js';

const CLIENT_COUNTS = (process.env.CLIENTS ?? '1000,5000').split(',').map(Number);
const ITERATIONS = envNumber('ITERATIONS', 30);
const WARMUP = envNumber('WARMUP', 3);
const TARGET_P99_MS = 150;
/** A 10 × 20 hall with a centre aisle: 190 seats, enough free ones for every hold. */
const HALL = Array.from({ length: 10 }, (_, r) => (r < 2 ? 'PPPPPPPPP.PPPPPPPPPP' : 'RRRRRRRRR.RRRRRRRRRR'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Expectation {
  seatId: number;
  reason: string;
  at: Float64Array;
  left: number;
  done: () => void;
}

async function memory(url: string): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm'))?.[1] ?? NaN);
  return { rss: metric('process_resident_memory_bytes'), heapUsed: metric('nodejs_heap_size_used_bytes') };
}

/** One round: clients sockets on a fresh showtime, the holds, the probes; all sockets closed at the end. */
async function measureRound(stack: BenchStack, token: string, clients: number) {
  const show = await createShowtime(stack.ds, { layout: HALL, basePrice: 1200 });
  if (show.seatIds.length < ITERATIONS + WARMUP) throw new Error(`the hall has only ${show.seatIds.length} seats`);
  say(`fanout: ${clients} clients on ${stack.urls.length} API nodes, ${ITERATIONS} holds (+${WARMUP} warm-up)`);
  const sockets: Socket[] = [];
  try {
    for (const u of stack.urls) await call(`${u}/api/v1/showtimes/${show.showtimeId}/seats`); // warm the caches
    await sleep(500);
    const before = await Promise.all(stack.urls.map(memory));

    // ---- connect and join, in batches
    let expecting: Expectation | null = null;
    const joinMs: number[] = [];
    const BATCH = 50;
    for (let i = 0; i < clients; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, clients - i) }, async (_, k) => {
          const idx = i + k;
          const t0 = performance.now();
          const s = io(stack.urls[idx % stack.urls.length]!, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
          sockets[idx] = s;
          s.on('seats:changed', (e: { reason: string; changes: { seatId: number }[] }) => {
            const x = expecting;
            if (!x || e.reason !== x.reason || !e.changes.some((c) => c.seatId === x.seatId) || x.at[idx]! > 0) return;
            x.at[idx] = performance.now();
            if (--x.left === 0) x.done();
          });
          await new Promise<void>((resolve, reject) => {
            s.once('connect', () => resolve());
            s.once('connect_error', reject);
          });
          const ack = await s.timeout(20_000).emitWithAck('showtime:join', { showtimeId: show.showtimeId });
          if (!ack?.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
          joinMs.push(performance.now() - t0);
        }),
      );
    }
    say(`connected and joined: ${clients} (join p50 ${summarize(joinMs).p50} ms, p99 ${summarize(joinMs).p99} ms)`);
    await sleep(2000);
    const after = await Promise.all(stack.urls.map(memory));

    // ---- holds
    const expect = (seatId: number, reason: string) => {
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      expecting = { seatId, reason, at: new Float64Array(clients), left: clients, done };
      return { x: expecting, finished };
    };
    const waitAll = async (finished: Promise<void>, ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)))]);
      clearTimeout(timer);
      return timedOut;
    };
    const fromPost: number[] = [];
    const afterRest: number[] = [];
    const rest: number[] = [];
    const lastPerHold: number[] = [];
    let missed = 0;
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const seatId = show.seatIds[i]!;
      const { x, finished } = expect(seatId, 'held');
      const t0 = performance.now();
      const res = await hold(stack.baseUrl, token, show.showtimeId, [seatId]);
      const t1 = performance.now();
      if (res.status !== 201) throw new Error(`hold ${i} answered ${res.status}: ${JSON.stringify(res.body)}`);
      const timedOut = await waitAll(finished, 10_000);
      if (i >= WARMUP) {
        rest.push(t1 - t0);
        let last = 0;
        for (const at of x.at) {
          if (!(at > 0)) {
            missed++;
            continue;
          }
          fromPost.push(at - t0);
          afterRest.push(at - t1);
          last = Math.max(last, at - t0);
        }
        lastPerHold.push(last);
      }
      if (timedOut) say(`hold ${i}: ${x.left} clients did not receive the event within 10 s`);
      // Release it again (not timed) and let the release reach everyone before the next hold.
      const released = expect(seatId, 'released');
      await call(`${stack.baseUrl}/api/v1/checkouts/${res.body.checkoutId}/cancel`, { method: 'POST', token, body: {} });
      await waitAll(released.finished, 10_000);
      expecting = null;
    }

    // ---- probes: the worker's own publish path (emitter → Redis → adapters → sockets), no REST, no
    // Temporal, no MySQL: the fan-out alone. Version 0 and a seat id that does not exist, so a real
    // page watching this showtime ignores them.
    const publisher = createSeatEventPublisher(stack.config.REDIS_URL, stack.config.REDIS_PREFIX, createLogger('silent'));
    const fromPublish: number[] = [];
    try {
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const probeSeat = -(i + 1);
        const { x, finished } = expect(probeSeat, 'released');
        const t0 = performance.now();
        await publisher.publish({ showtimeId: show.showtimeId, version: 0, changes: [{ seatId: probeSeat, status: 'available' }], reason: 'released' });
        if (await waitAll(finished, 10_000)) say(`probe ${i}: ${x.left} clients did not receive it within 10 s`);
        if (i >= WARMUP) for (const at of x.at) if (at > 0) fromPublish.push(at - t0);
        expecting = null;
        await sleep(50);
      }
    } finally {
      await publisher.close();
    }

    const perNode = stack.urls.map((u, n) => ({
      url: u,
      clients: Math.ceil((clients - n) / stack.urls.length),
      rssBeforeMB: Math.round(before[n]!.rss / 1e4) / 100,
      rssAfterMB: Math.round(after[n]!.rss / 1e4) / 100,
      heapUsedBeforeMB: Math.round(before[n]!.heapUsed / 1e4) / 100,
      heapUsedAfterMB: Math.round(after[n]!.heapUsed / 1e4) / 100,
    }));
    const rssDelta = after.reduce((a, m, n) => a + m.rss - before[n]!.rss, 0);
    const heapDelta = after.reduce((a, m, n) => a + m.heapUsed - before[n]!.heapUsed, 0);
    const latency = summarize(fromPost);
    const fanout = summarize(fromPublish);
    say(`REST hold:            p50 ${summarize(rest).p50} ms  p99 ${summarize(rest).p99} ms`);
    say(`event from POST:      p50 ${latency.p50} ms  p99 ${latency.p99} ms  max ${latency.max} ms`);
    say(`fan-out from PUBLISH: p50 ${fanout.p50} ms  p99 ${fanout.p99} ms  max ${fanout.max} ms`);
    say(`deliveries:           ${fromPost.length}/${clients * ITERATIONS} (missed ${missed})`);
    return {
      clients,
      deliveries: { expected: clients * ITERATIONS, received: fromPost.length, missed },
      eventFromPostStartMs: latency,
      fanoutFromPublishMs: fanout,
      restHoldMs: summarize(rest),
      eventAfterRestReplyMs: summarize(afterRest),
      slowestClientPerHoldMs: summarize(lastPerHold),
      joinMs: summarize(joinMs),
      memory: {
        perConnectionKB: Math.round(rssDelta / clients / 102.4) / 10,
        heapPerConnectionKB: Math.round(heapDelta / clients / 102.4) / 10,
        perNode,
      },
    };
  } finally {
    for (const s of sockets) s?.disconnect();
  }
}

const stack = await openStack({ name: 'fanout', apiNodes: 2 });
try {
  if (stack.urls.length < 2) say('warning: only one API node; the cross-node path is not exercised');
  const [user] = await buyers(stack.ds, stack.config, 1);
  const rounds = [];
  for (const clients of CLIENT_COUNTS) {
    rounds.push(await measureRound(stack, user!.token, clients));
    await sleep(2000);
  }
  const figures: Figure[] = rounds.flatMap((r) => {
    const target = r.clients === 1000 ? `p99 ≤ ${TARGET_P99_MS} ms` : 'measured and reported';
    const met = (p99: number) => (r.clients === 1000 ? p99 <= TARGET_P99_MS && r.deliveries.missed === 0 : null);
    return [
      {
        figure: `seat change to ${r.clients.toLocaleString('en')} sockets on ${stack.urls.length} nodes, from the hold POST: p99`,
        measured: `${r.eventFromPostStartMs.p99} ms (p50 ${r.eventFromPostStartMs.p50}; ${r.deliveries.missed} missed)`,
        reference: `REST hold alone p99 ${r.restHoldMs.p99} ms`,
        target,
        met: met(r.eventFromPostStartMs.p99),
      },
      {
        figure: `fan-out alone (publish → every one of ${r.clients.toLocaleString('en')} sockets): p99`,
        measured: `${r.fanoutFromPublishMs.p99} ms (p50 ${r.fanoutFromPublishMs.p50}); ${r.memory.perConnectionKB} KB RSS per connection`,
        target,
        met: met(r.fanoutFromPublishMs.p99),
      },
    ];
  });
  const file = writeResult({
    name: 'fanout',
    when: new Date().toISOString(),
    machine: machine(),
    figures,
    setup: {
      mode: stack.mode,
      apiNodes: stack.urls.length,
      holds: ITERATIONS,
      warmup: WARMUP,
      transport: 'websocket',
      holdVia: 'REST POST /api/v1/checkouts on node 1; events reach node 2 only through Redis',
      memoryNote: 'RSS / V8 heap growth of the API processes (from their /metrics) between before-connect and 2 s after all joined, divided by clients',
    },
    rounds,
  });
  say(`wrote ${file}`);
} finally {
  await stack.close();
}
process.exit(0);
