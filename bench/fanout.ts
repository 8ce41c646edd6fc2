/**
 * Seat-change fan-out: CLIENTS socket.io clients spread over two API nodes,
 * all watching one showtime; for each of ITERATIONS holds (made through REST
 * on node 1) the time from just before the POST to each client's receipt of
 * the `seats:changed` event. REST latency is reported separately, so the
 * fan-out part can be told apart. Memory per connection is the RSS growth of
 * the API processes (from their /metrics) divided by CLIENTS.
 *
 *   npx tsx bench/fanout.ts                  starts its own stack: a private redis-server,
 *                                            a fresh database, a worker and two API nodes
 *                                            (child processes), on the local MariaDB and Temporal
 *   BASE_URLS=http://127.0.0.1:3000,http://127.0.0.1:3001 npx tsx bench/fanout.ts
 *                                            against `API_NODES=2 scripts/stack up` (signs in as
 *                                            ADMIN_EMAIL/ADMIN_PASSWORD, uses the freest showtime)
 *
 * Env: CLIENTS (1000), ITERATIONS (30), WARMUP (3), TEMPORAL_ADDRESS, TEST_MYSQL_URL.
 * Loopback only; every loop is bounded. Writes bench/results/fanout.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { createSeatEventPublisher } from '../live/publisher.js';
import { issueToken } from '../api/auth.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createDataSource, ensureDatabase, withServerConnection } from '../db/data-source.js';
import { createShowtime } from '../test/support/fixtures.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../test/support/live.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIENTS = intEnv('CLIENTS', 1000);
const ITERATIONS = intEnv('ITERATIONS', 30);
const WARMUP = intEnv('WARMUP', 3);
const TARGET_P99_MS = 150;

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stack {
  mode: 'self-started' | 'external';
  urls: string[];
  redisUrl: string;
  token: string;
  showtimeId: number;
  /** Seat ids free to hold, in order. */
  freeSeats: number[];
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- stacks

async function externalStack(urls: string[]): Promise<Stack> {
  const email = process.env.ADMIN_EMAIL ?? 'admin@marquee.local';
  const password = process.env.ADMIN_PASSWORD ?? 'marquee-admin';
  const login = await json('POST', `${urls[0]}/api/v1/auth/login`, { email, password });
  if (login.status !== 200) throw new Error(`login as ${email} failed: HTTP ${login.status}`);
  const showtimes = await json('GET', `${urls[0]}/api/v1/showtimes?limit=100`);
  const best = (showtimes.body.items as { id: number; seats: { available: number } }[]).sort((a, b) => b.seats.available - a.seats.available)[0];
  if (!best) throw new Error('no upcoming showtime to watch (seed the database: scripts/stack up does)');
  const map = await json('GET', `${urls[0]}/api/v1/showtimes/${best.id}/seats`);
  const freeSeats = (map.body.seats as { id: number; status: string }[]).filter((s) => s.status === 'available').map((s) => s.id);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  return { mode: 'external', urls, redisUrl, token: login.body.token, showtimeId: best.id, freeSeats, stop: async () => undefined };
}

async function ownStack(): Promise<Stack> {
  const children: ChildProcess[] = [];
  let redis: PrivateRedis | undefined;
  const mysql = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const dbUrl = `${mysql}/marquee_bench_fanout`;
  const stop = async () => {
    await Promise.all(children.map((c) => stopChild(c)));
    await redis?.kill();
    await withServerConnection(dbUrl, (s) => s.query('DROP DATABASE IF EXISTS `marquee_bench_fanout`')).catch(() => undefined);
  };
  try {
    redis = await startPrivateRedis();
    await withServerConnection(dbUrl, (s) => s.query('DROP DATABASE IF EXISTS `marquee_bench_fanout`'));
    await ensureDatabase(dbUrl);
    const ds = createDataSource({ url: dbUrl, poolSize: 2 });
    await ds.initialize();
    await ds.runMigrations();
    // A 10 × 20 hall with a centre aisle: 190 seats.
    const layout = Array.from({ length: 10 }, (_, r) => (r < 2 ? 'PPPPPPPPP.PPPPPPPPPP' : 'RRRRRRRRR.RRRRRRRRRR'));
    const show = await createShowtime(ds, { layout, basePrice: 1200 });
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      TASK_QUEUE: `bench-fanout-${randomUUID().slice(0, 8)}`,
      HOLD_TTL_SECONDS: '600',
      JWT_SECRET: 'bench-fanout-secret-0123456789abcdef0123',
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env);
    const res = await ds.query("INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, 'Bench', 'scrypt$unused', 'user', ?)", [
      `bench-${randomUUID()}@example.test`,
      new Date(),
    ]);
    const token = await issueToken({ id: Number(res.insertId), role: 'user' }, { config, clock: systemClock });
    await ds.destroy();

    const worker = spawnNode('worker/main.ts', { ...env, LOG_LEVEL: 'info', WORKER_METRICS_PORT: String(await freePort()) });
    children.push(worker);
    const ports = [await freePort(), await freePort()];
    for (const port of ports) children.push(spawnNode('api/main.ts', { ...env, PORT: String(port) }));
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    await Promise.all([waitForLine(worker, '"msg":"worker running"', 180_000), ...urls.map((u) => waitForHttp(`${u}/healthz`, 60_000))]);
    return { mode: 'self-started', urls, redisUrl: redis.url, token, showtimeId: show.showtimeId, freeSeats: show.seatIds, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function spawnNode(entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${entry}] ${d}`));
  return child;
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(t);
}

function waitForLine(child: ChildProcess, needle: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no "${needle}" within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf = (buf + d.toString()).slice(-10_000);
      if (buf.includes(needle)) {
        clearTimeout(t);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before "${needle}"`)));
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await fetch(url).then((r) => r.ok).catch(() => false)) === true) return;
    await sleep(200);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------- measuring

async function json(method: string, url: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

async function memory(url: string): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm'))?.[1] ?? NaN);
  return { rss: metric('process_resident_memory_bytes'), heapUsed: metric('nodejs_heap_size_used_bytes') };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  const r = (v: number) => Math.round(v * 100) / 100;
  return { n: s.length, p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s[s.length - 1] ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
}

interface Expectation {
  seatId: number;
  reason: string;
  at: Float64Array;
  left: number;
  done: () => void;
}

async function main(): Promise<void> {
  const started = Date.now();
  const baseUrls = process.env.BASE_URLS?.split(',').map((u) => u.trim().replace(/\/$/, '')).filter(Boolean);
  say(`fanout: ${CLIENTS} clients, ${ITERATIONS} holds (+${WARMUP} warm-up), ${baseUrls ? `against ${baseUrls.join(', ')}` : 'starting a two-node stack'}`);
  const stack = baseUrls ? await externalStack(baseUrls) : await ownStack();
  const sockets: Socket[] = [];
  try {
    if (stack.urls.length < 2) say('warning: only one API node; the cross-node path is not exercised');
    if (stack.freeSeats.length < ITERATIONS + WARMUP) throw new Error(`showtime ${stack.showtimeId} has only ${stack.freeSeats.length} free seats`);
    for (const u of stack.urls) await json('GET', `${u}/api/v1/showtimes/${stack.showtimeId}/seats`); // warm the caches
    await sleep(500);
    const before = await Promise.all(stack.urls.map(memory));

    // ---- connect and join, in batches
    let expecting: Expectation | null = null;
    const joinMs: number[] = [];
    const BATCH = 50;
    for (let i = 0; i < CLIENTS; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, CLIENTS - i) }, async (_, k) => {
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
          const ack = await s.timeout(20_000).emitWithAck('showtime:join', { showtimeId: stack.showtimeId });
          if (!ack?.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
          joinMs.push(performance.now() - t0);
        }),
      );
    }
    say(`connected and joined: ${CLIENTS} (join p50 ${stats(joinMs).p50} ms, p99 ${stats(joinMs).p99} ms)`);
    await sleep(2000);
    const after = await Promise.all(stack.urls.map(memory));

    // ---- holds
    const expect = (seatId: number, reason: string) => {
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      expecting = { seatId, reason, at: new Float64Array(CLIENTS), left: CLIENTS, done };
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
      const seatId = stack.freeSeats[i]!;
      const { x, finished } = expect(seatId, 'held');
      const t0 = performance.now();
      const res = await json('POST', `${stack.urls[0]}/api/v1/checkouts`, { showtimeId: stack.showtimeId, seatIds: [seatId] }, stack.token);
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
      await json('POST', `${stack.urls[0]}/api/v1/checkouts/${res.body.checkoutId}/cancel`, {}, stack.token);
      await waitAll(released.finished, 10_000);
      expecting = null;
    }

    // ---- probes: the worker's own publish path (emitter → Redis → adapters → sockets), no REST, no
    // Temporal, no MySQL: the fan-out alone. Version 0 and a seat id that does not exist, so a real
    // page watching this showtime ignores them.
    const publisher = createSeatEventPublisher(stack.redisUrl, 'marquee', createLogger('silent'));
    const fromPublish: number[] = [];
    try {
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const probeSeat = -(i + 1);
        const { x, finished } = expect(probeSeat, 'released');
        const t0 = performance.now();
        await publisher.publish({ showtimeId: stack.showtimeId, version: 0, changes: [{ seatId: probeSeat, status: 'available' }], reason: 'released' });
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
      clients: Math.ceil((CLIENTS - n) / stack.urls.length),
      rssBeforeMB: Math.round(before[n]!.rss / 1e4) / 100,
      rssAfterMB: Math.round(after[n]!.rss / 1e4) / 100,
      heapUsedBeforeMB: Math.round(before[n]!.heapUsed / 1e4) / 100,
      heapUsedAfterMB: Math.round(after[n]!.heapUsed / 1e4) / 100,
    }));
    const rssDelta = after.reduce((a, m, n) => a + m.rss - before[n]!.rss, 0);
    const heapDelta = after.reduce((a, m, n) => a + m.heapUsed - before[n]!.heapUsed, 0);
    const latency = stats(fromPost);
    const result = {
      benchmark: 'fanout',
      at: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 1e9), node: process.version },
      setup: {
        mode: stack.mode,
        apiNodes: stack.urls.length,
        clients: CLIENTS,
        holds: ITERATIONS,
        warmup: WARMUP,
        transport: 'websocket',
        clientsIn: 'one Node process (the bench), so its own event loop is part of every measurement',
        holdVia: 'REST POST /api/v1/checkouts on node 1; events reach node 2 only through Redis',
      },
      deliveries: { expected: CLIENTS * ITERATIONS, received: fromPost.length, missed },
      eventFromPostStartMs: latency,
      fanoutFromPublishMs: stats(fromPublish),
      restHoldMs: stats(rest),
      eventAfterRestReplyMs: stats(afterRest),
      slowestClientPerHoldMs: stats(lastPerHold),
      joinMs: stats(joinMs),
      memory: {
        perConnectionKB: Math.round(rssDelta / CLIENTS / 102.4) / 10,
        heapPerConnectionKB: Math.round(heapDelta / CLIENTS / 102.4) / 10,
        perNode,
        note: 'RSS / V8 heap growth of the API processes (from their /metrics) between before-connect and 2 s after all joined, divided by clients',
      },
      target: {
        p99Ms: TARGET_P99_MS,
        fanoutMet: stats(fromPublish).p99 <= TARGET_P99_MS,
        endToEndMet: latency.p99 <= TARGET_P99_MS && missed === 0,
        note: 'fanoutMet: PUBLISH → every socket (what DESIGN §10 "seat change visible on 1,000 sockets" measures once committed); endToEndMet also includes the REST hold (Temporal update + MySQL commit)',
      },
    };
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/fanout.json'), `${JSON.stringify(result, null, 2)}\n`);
    say(`REST hold:            p50 ${result.restHoldMs.p50} ms  p99 ${result.restHoldMs.p99} ms  max ${result.restHoldMs.max} ms`);
    say(`event from POST:      p50 ${latency.p50} ms  p99 ${latency.p99} ms  max ${latency.max} ms  (p99 ≤ ${TARGET_P99_MS} ms: ${result.target.endToEndMet ? 'met' : 'NOT met'})`);
    say(`fan-out from PUBLISH: p50 ${result.fanoutFromPublishMs.p50} ms  p99 ${result.fanoutFromPublishMs.p99} ms  max ${result.fanoutFromPublishMs.max} ms  (p99 ≤ ${TARGET_P99_MS} ms: ${result.target.fanoutMet ? 'met' : 'NOT met'})`);
    say(`event after 201:      p50 ${result.eventAfterRestReplyMs.p50} ms  p99 ${result.eventAfterRestReplyMs.p99} ms`);
    say(`deliveries:           ${fromPost.length}/${CLIENTS * ITERATIONS} (missed ${missed})`);
    say(`memory/connection:    ${result.memory.perConnectionKB} KB RSS, ${result.memory.heapPerConnectionKB} KB heap`);
    say('wrote bench/results/fanout.json');
  } finally {
    for (const s of sockets) s?.disconnect();
    await stack.stop();
  }
}

await main();
process.exit(0);
