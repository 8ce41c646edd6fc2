/**
 * Seat-map read throughput: CONNECTIONS keep-alive clients hammer
 * GET /api/v1/showtimes/:id/seats on a running stack for DURATION_S seconds
 * and the result goes to bench/results/seatmap.json.
 *
 *   BASE_URL     default http://localhost:3000
 *   SHOWTIME_ID  default: the first upcoming showtime the API lists
 *   CONNECTIONS  default 32
 *   DURATION_S   default 15
 *   WARMUP_S     default 2
 *
 * Target (DESIGN §10): >= 3,000 req/s with p99 <= 20 ms on the 2-core machine.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, writeResult } from './lib/http-load.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const env = (name: string, dflt: number): number => (process.env[name] ? Number(process.env[name]) : dflt);

const baseUrl = process.env.BASE_URL ?? 'http://localhost:3000';
const connections = env('CONNECTIONS', 32);
const durationS = env('DURATION_S', 15);
const target = { rps: 3000, p99Ms: 20 };

async function pickShowtime(): Promise<number> {
  if (process.env.SHOWTIME_ID) return Number(process.env.SHOWTIME_ID);
  const res = await fetch(new URL('/api/v1/showtimes?limit=1', baseUrl));
  if (!res.ok) throw new Error(`GET /api/v1/showtimes answered ${res.status}; is the stack up and seeded?`);
  const body = (await res.json()) as { items: { id: number }[] };
  if (!body.items[0]) throw new Error('no upcoming showtime to read; seed the database first');
  return body.items[0].id;
}

const showtimeId = await pickShowtime();
const probe = await fetch(new URL(`/api/v1/showtimes/${showtimeId}/seats`, baseUrl));
const map = (await probe.json()) as { seats: unknown[] };
const bytes = Number(probe.headers.get('content-length') ?? 0);

const result = await runLoad({
  baseUrl,
  path: `/api/v1/showtimes/${showtimeId}/seats`,
  connections,
  durationS,
  warmupS: env('WARMUP_S', 2),
});

const report = {
  name: 'seatmap',
  when: new Date().toISOString(),
  baseUrl,
  showtimeId,
  seats: map.seats.length,
  responseBytes: bytes,
  connections,
  durationS: result.durationS,
  requests: result.requests,
  errors: result.errors,
  statuses: result.statuses,
  rps: result.rps,
  latency: result.latency,
  target,
  met: result.errors === 0 && result.rps >= target.rps && result.latency.p99 <= target.p99Ms,
  machine: { cpus: os.cpus().length, node: process.version },
};
const file = writeResult(BENCH_DIR, 'seatmap', report);
process.stdout.write(`${JSON.stringify(report, null, 2)}\nwritten to ${path.relative(process.cwd(), file)}\n`);
