/**
 * Seat-map reads as halls grow: CONNECTIONS keep-alive clients read
 * GET /api/v1/showtimes/:id/seats of halls of 100, 1,000 and 3,000 seats,
 * each beside GET /healthz (the same server doing nothing: the reference),
 * measured before and after the halls. Every request asks for gzip, as every
 * browser does (the map is then sent compressed; `/healthz` is too small to
 * be). Writes bench/results/seatmap.json.
 *
 *   npx tsx bench/seatmap.ts                             private scripts/stack
 *   BASE_URL=http://localhost:3000 npx tsx bench/seatmap.ts   a running one
 * Env: CONNECTIONS (32), DURATION_S (10), WARMUP_S (2).
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import { createShowtime } from '../test/support/fixtures.js';
import { hallGrid } from './lib/fixtures.js';
import { runLoad, type LoadResult } from './lib/http-load.js';
import { cpuLine, meterCpu, type CpuReport } from './lib/processes.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { round } from './lib/stats.js';
import { measuredProcesses, openStack } from './lib/stack.js';
import { envNumber } from './lib/settings.js';

const CONNECTIONS = envNumber('CONNECTIONS', 32);
const DURATION_S = envNumber('DURATION_S', 10);
const WARMUP_S = envNumber('WARMUP_S', 2);
/** Halls as rows × cols, with the target for each (ratio to /healthz, p99; docs/benchmarks.md). */
const HALLS = [
  { seats: 100, rows: 10, cols: 10, minRatio: 0.4, maxP99Ms: 20 },
  { seats: 1000, rows: 25, cols: 40, minRatio: 0.4, maxP99Ms: 20 },
  { seats: 3000, rows: 50, cols: 60, minRatio: 0.3, maxP99Ms: 30 },
];

/** What a browser sends: the load generator counts the bytes as they come, it does not unpack them. */
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br' };

const stack = await openStack({ name: 'seatmap' });
const pids = measuredProcesses(stack);

async function measure(label: string, path: string): Promise<LoadResult & { cpu: CpuReport }> {
  const meter = meterCpu(pids);
  const r = await runLoad({ baseUrl: stack.baseUrl, path, connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, headers: BROWSER_HEADERS });
  const cpu = meter.stop();
  say(`${label}: ${r.rps} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}`);
  say(`  cpu: ${cpuLine(cpu)}`);
  return { ...r, cpu };
}

/** The map's JSON size, and what goes over the wire to a browser (gzipped). */
async function mapBytes(path: string): Promise<{ plain: number; sent: number }> {
  const plain = (await (await fetch(stack.baseUrl + path)).arrayBuffer()).byteLength;
  const res = await new Promise<IncomingMessage>((resolve, reject) => httpGet(stack.baseUrl + path, { headers: BROWSER_HEADERS }, resolve).on('error', reject));
  let sent = 0;
  for await (const chunk of res) sent += (chunk as Buffer).length;
  return { plain, sent };
}

try {
  const shows = await Promise.all(HALLS.map((h) => createShowtime(stack.ds, { grid: hallGrid(h.rows, h.cols) })));
  say(`seatmap: ${stack.mode} stack at ${stack.baseUrl}, ${CONNECTIONS} connections, ${DURATION_S} s each`);
  const healthBefore = await measure('/healthz', '/healthz');
  const maps = [];
  for (const [i, h] of HALLS.entries()) {
    const path = `/api/v1/showtimes/${shows[i]!.showtimeId}/seats`;
    const { plain, sent } = await mapBytes(path);
    maps.push({ ...h, showtimeId: shows[i]!.showtimeId, responseBytes: plain, sentBytes: sent, load: await measure(`seat map, ${h.seats} seats (${plain} bytes, ${sent} sent)`, path) });
  }
  const healthAfter = await measure('/healthz', '/healthz');
  const healthRps = Math.round((healthBefore.rps + healthAfter.rps) / 2);

  const figures: Figure[] = maps.map((m) => {
    const ratio = round(m.load.rps / healthRps, 2);
    return {
      figure: `seat map, ${m.seats.toLocaleString('en')}-seat hall, ${CONNECTIONS} connections: req/s, p99`,
      measured: `${m.load.rps} req/s, p99 ${m.load.latency.p99} ms`,
      reference: `/healthz ${healthRps} req/s (${healthBefore.rps} before, ${healthAfter.rps} after)`,
      ratio,
      target: `≥ ${m.minRatio} × /healthz, p99 ≤ ${m.maxP99Ms} ms`,
      met: m.load.errors === 0 && ratio >= m.minRatio && m.load.latency.p99 <= m.maxP99Ms,
    };
  });
  const file = writeResult({
    name: 'seatmap',
    when: new Date().toISOString(),
    machine: machine(),
    figures,
    stack: { mode: stack.mode, baseUrl: stack.baseUrl },
    settings: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, headers: BROWSER_HEADERS },
    healthz: { before: healthBefore, after: healthAfter, meanRps: healthRps },
    maps,
  });
  say(`wrote ${file}`);
} finally {
  await stack.close();
}
