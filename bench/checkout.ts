/**
 * Checkout benchmark against a running stack (`scripts/stack up`):
 *   1. hold latency at 32 concurrent clients (target p50 ≤ 30 ms, p99 ≤ 100 ms);
 *   2. completed checkouts per second, hold → pay → CONFIRMED (target ≥ 150/s);
 *   3. 500 concurrent holds of one seat (exactly one winner, all answered within 2 s).
 * It prepares its own halls, showtimes and users (with the test fixtures) in
 * the stack's database (DATABASE_URL, JWT_SECRET as the stack uses them) and writes
 * bench/results/checkout.json. Only loopback traffic; every loop is bounded.
 *
 *   BASE_URL=http://localhost:3000 npx tsx bench/checkout.ts
 */
import { fileURLToPath } from 'node:url';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { createDataSource } from '../db/data-source.js';
import { createShowtime, createUsers } from '../test/support/fixtures.js';
import { percentile, writeResult } from './lib/http-load.js';

const BASE_URL = process.env.BASE_URL ?? 'http://localhost:3000';
const CLIENTS = Number(process.env.CLIENTS ?? 32);
const HOLDS_PER_CLIENT = Number(process.env.HOLDS_PER_CLIENT ?? 25);
const THROUGHPUT_SECONDS = Number(process.env.THROUGHPUT_SECONDS ?? 15);
const RACERS = 500;

const config = loadConfig({ ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'dev-only-secret-change-me-0123456789abcdef' });
const ds = createDataSource({ url: config.DATABASE_URL, poolSize: 4 });
await ds.initialize();

const LAYOUT = Array.from({ length: 26 }, () => 'R'.repeat(40));

async function post(path: string, token: string, body: unknown): Promise<{ status: number; ms: number; body: { checkoutId?: string; status?: string } }> {
  const t0 = performance.now();
  const res = await fetch(BASE_URL + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { checkoutId?: string; status?: string };
  return { status: res.status, ms: performance.now() - t0, body: json };
}

const stats = (ms: number[]) => {
  const sorted = Float64Array.from(ms).sort();
  const r = (v: number) => Math.round(v * 10) / 10;
  return { count: ms.length, p50: r(percentile(sorted, 50)), p99: r(percentile(sorted, 99)), max: r(sorted[sorted.length - 1] ?? 0) };
};

// Six showtimes of 1,040 seats, each in a hall of its own, and the users, from the test fixtures.
const showtimes = (await Promise.all(Array.from({ length: 6 }, () => createShowtime(ds, { layout: LAYOUT })))).map((s) => ({ id: s.showtimeId, seatIds: s.seatIds }));
const tokens = (await createUsers({ ds, config, clock: systemClock }, Math.max(CLIENTS, RACERS))).map((u) => u.token);
process.stderr.write(`prepared ${showtimes.length} showtimes × ${showtimes[0]!.seatIds.length} seats, ${tokens.length} users\n`);

// 1. Hold latency: every client holds distinct seats of showtime 0, one request at a time.
const holdSeats = showtimes[0]!;
let next = 0;
const holdMs: number[] = [];
const holdStatuses: Record<number, number> = {};
await Promise.all(
  Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = 0; i < HOLDS_PER_CLIENT; i++) {
      const seat = holdSeats.seatIds[next++ % holdSeats.seatIds.length]!;
      const r = await post('/api/v1/checkouts', tokens[c]!, { showtimeId: holdSeats.id, seatIds: [seat] });
      if (i > 0) holdMs.push(r.ms); // the first request of each client warms its connection
      holdStatuses[r.status] = (holdStatuses[r.status] ?? 0) + 1;
    }
  }),
);
const hold = stats(holdMs);
process.stderr.write(`hold latency: ${JSON.stringify(hold)} statuses ${JSON.stringify(holdStatuses)}\n`);

// 2. Completed checkouts per second: hold then pay, 32 clients, seats from showtimes 1..4.
const pool = showtimes.slice(1, 5).flatMap((s) => s.seatIds.map((seat) => ({ showtimeId: s.id, seat })));
let cursor = 0;
let confirmed = 0;
let failed = 0;
const checkoutMs: number[] = [];
const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async (_, c) => {
    while (performance.now() < deadline && cursor < pool.length) {
      const { showtimeId, seat } = pool[cursor++]!;
      const started = performance.now();
      const held = await post('/api/v1/checkouts', tokens[c]!, { showtimeId, seatIds: [seat] });
      if (held.status !== 201) {
        failed++;
        continue;
      }
      const paid = await post(`/api/v1/checkouts/${held.body.checkoutId}/pay`, tokens[c]!, { card: '4242424242424242' });
      if (paid.status === 200 && paid.body.status === 'CONFIRMED') {
        confirmed++;
        checkoutMs.push(performance.now() - started);
      } else failed++;
    }
  }),
);
const elapsedS = (performance.now() - t0) / 1000;
const throughput = { confirmed, failed, seconds: Math.round(elapsedS * 10) / 10, perSecond: Math.round((confirmed / elapsedS) * 10) / 10, latency: stats(checkoutMs) };
process.stderr.write(`checkouts: ${JSON.stringify(throughput)}\n`);

// 3. 500 concurrent holds of one seat.
const contested = showtimes[5]!;
const raceStart = performance.now();
const race = await Promise.all(tokens.slice(0, RACERS).map((t) => post('/api/v1/checkouts', t, { showtimeId: contested.id, seatIds: [contested.seatIds[0]!] })));
const raceMs = performance.now() - raceStart;
const winners = race.filter((r) => r.status === 201).length;
const losers = race.filter((r) => r.status === 409).length;
const [{ n: bookedOrHeld }] = await ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE id = ? AND status = 'held'", [contested.seatIds[0]]);
const contention = { racers: RACERS, winners, conflicts: losers, others: RACERS - winners - losers, allAnsweredMs: Math.round(raceMs), seatHeldRows: Number(bookedOrHeld), latency: stats(race.map((r) => r.ms)) };
process.stderr.write(`contention: ${JSON.stringify(contention)}\n`);

const result = {
  name: 'checkout',
  when: new Date().toISOString(),
  baseUrl: BASE_URL,
  clients: CLIENTS,
  holdLatencyMs: { ...hold, statuses: holdStatuses },
  checkoutsPerSecond: throughput,
  contention,
  targets: { holdP50Ms: 30, holdP99Ms: 100, checkoutsPerSecond: 150, contentionWinners: 1, contentionAllAnsweredMs: 2000 },
  met: {
    holdP50: hold.p50 <= 30,
    holdP99: hold.p99 <= 100,
    checkoutsPerSecond: throughput.perSecond >= 150,
    contention: winners === 1 && losers === RACERS - 1 && raceMs <= 2000,
  },
};
process.stdout.write(`${writeResult(fileURLToPath(new URL('.', import.meta.url)), 'checkout', result)}\n`);
await ds.destroy();
