/**
 * On-sale contention, as the seat-picker page causes it (every request with
 * its own Idempotency-Key), all requests sent at once:
 *   1. BUYERS_ONE_SEAT (500) buyers race for one seat: exactly one winner;
 *   2. BUYERS_PAIRS (200) buyers each ask 2 of the same 20 seats: the winners'
 *      seats are disjoint and nothing is partially held.
 * Each reports winners, the slowest answer, how many workflows the race
 * started (the losers' are waste) and how long until only the winners' were
 * still running (nothing stuck). Writes bench/results/contention.json.
 *
 *   npx tsx bench/contention.ts                            private scripts/stack
 *   BASE_URL=http://localhost:3000 npx tsx bench/contention.ts   a running one
 */
import { Client, Connection } from '@temporalio/client';
import { createShowtime, seatStatuses } from '../test/support/fixtures.js';
import { hold, type Reply, type CheckoutBody } from './lib/api.js';
import { buyers } from './lib/fixtures.js';
import { cpuLine, meterCpu, type CpuReport } from './lib/processes.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { round, summarize } from './lib/stats.js';
import { measuredProcesses, openStack } from './lib/stack.js';
import { envNumber } from './lib/settings.js';

const BUYERS_ONE_SEAT = envNumber('BUYERS_ONE_SEAT', 500);
const BUYERS_PAIRS = envNumber('BUYERS_PAIRS', 200);
const SLOWEST_TARGET_MS = 1000;

const stack = await openStack({ name: 'contention' });
const connection = await Connection.connect({ address: stack.config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: stack.config.TEMPORAL_NAMESPACE });
const pids = measuredProcesses(stack);

/** A small deterministic generator, so every run races for the same pairs. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Race {
  replies: Reply<CheckoutBody>[];
  slowestMs: number;
  cpu: CpuReport;
}

async function race(asks: { token: string; seatIds: number[] }[], showtimeId: number): Promise<Race> {
  const meter = meterCpu(pids);
  const replies = await Promise.all(asks.map((a) => hold(stack.baseUrl, a.token, showtimeId, a.seatIds)));
  const cpu = meter.stop();
  return { replies, slowestMs: round(Math.max(...replies.map((r) => r.ms))), cpu };
}

/** Workflows the race started, and the time until only `winners` of them still run (bounded). */
async function workflowsAfter(showtimeId: number, winners: number): Promise<{ started: number; running: number; settledMs: number | null }> {
  const t0 = performance.now();
  // The stack's own task queue: another stack on the same Temporal server may have a showtime with the same id.
  const mine = `TaskQueue = "${stack.config.TASK_QUEUE}" AND ShowtimeId = "${showtimeId}"`;
  for (;;) {
    const running = (await temporal.workflow.count(`${mine} AND ExecutionStatus = "Running"`)).count;
    if (running <= winners || performance.now() - t0 > 60_000) {
      const started = (await temporal.workflow.count(mine)).count;
      return { started, running, settledMs: running <= winners ? Math.round(performance.now() - t0) : null };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const statusCounts = (replies: Reply<unknown>[]): Record<number, number> =>
  replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

try {
  const users = await buyers(stack.ds, stack.config, Math.max(BUYERS_ONE_SEAT, BUYERS_PAIRS));
  say(`contention: ${stack.mode} stack at ${stack.baseUrl}; ${users.length} buyers`);

  // 1. Many buyers, one seat.
  const one = await createShowtime(stack.ds, { layout: ['RRRRRRRRRR'] });
  const seat = one.seatIds[0]!;
  const r1 = await race(users.slice(0, BUYERS_ONE_SEAT).map((u) => ({ token: u.token, seatIds: [seat] })), one.showtimeId);
  const winners1 = r1.replies.filter((r) => r.status === 201);
  const [row] = await seatStatuses(stack.ds, [seat]);
  const heldByWinner = winners1.length === 1 && row?.status === 'held' && row.checkout_id === winners1[0]!.body.checkoutId;
  const wf1 = await workflowsAfter(one.showtimeId, winners1.length);
  const oneSeat = {
    buyers: BUYERS_ONE_SEAT,
    statuses: statusCounts(r1.replies),
    winners: winners1.length,
    seatHeldByTheWinner: heldByWinner,
    slowestMs: r1.slowestMs,
    latency: summarize(r1.replies.map((r) => r.ms)),
    workflows: wf1,
    cpu: r1.cpu,
  };
  say(`${BUYERS_ONE_SEAT} buyers, one seat: ${oneSeat.winners} winner(s), statuses ${JSON.stringify(oneSeat.statuses)}, slowest ${oneSeat.slowestMs} ms, p50 ${oneSeat.latency.p50} ms; workflows started ${wf1.started}, settled in ${wf1.settledMs} ms`);
  say(`  cpu: ${cpuLine(r1.cpu)}`);

  // 2. Buyers each asking 2 of the same 20 seats (pairs drawn with a fixed seed).
  const twenty = await createShowtime(stack.ds, { layout: ['RRRRRRRRRR', 'RRRRRRRRRR'] });
  const rand = mulberry32(17);
  const asks = users.slice(0, BUYERS_PAIRS).map((u) => {
    const a = Math.floor(rand() * 20);
    const b = (a + 1 + Math.floor(rand() * 19)) % 20;
    return { token: u.token, seatIds: [twenty.seatIds[a]!, twenty.seatIds[b]!] };
  });
  const r2 = await race(asks, twenty.showtimeId);
  const winners2 = r2.replies.flatMap((r, i) => (r.status === 201 ? [{ checkoutId: r.body.checkoutId!, seatIds: asks[i]!.seatIds }] : []));
  const claimed = winners2.flatMap((w) => w.seatIds);
  const disjoint = new Set(claimed).size === claimed.length;
  const rows = await seatStatuses(stack.ds, twenty.seatIds);
  const owner = new Map(winners2.flatMap((w) => w.seatIds.map((s) => [s, w.checkoutId] as const)));
  // Every held seat is a winner's, and every winner holds both of its seats: no partial hold.
  const partial = rows.filter((r) => (r.status === 'held') !== owner.has(r.id) || (r.status === 'held' && r.checkout_id !== owner.get(r.id))).map((r) => r.id);
  const wf2 = await workflowsAfter(twenty.showtimeId, winners2.length);
  const pairs = {
    buyers: BUYERS_PAIRS,
    statuses: statusCounts(r2.replies),
    winners: winners2.length,
    disjoint,
    partiallyHeldSeats: partial,
    slowestMs: r2.slowestMs,
    latency: summarize(r2.replies.map((r) => r.ms)),
    workflows: wf2,
    cpu: r2.cpu,
  };
  say(`${BUYERS_PAIRS} buyers × 2 of 20 seats: ${pairs.winners} winners, disjoint ${disjoint}, partial ${partial.length}, statuses ${JSON.stringify(pairs.statuses)}, slowest ${pairs.slowestMs} ms; workflows started ${wf2.started}, settled in ${wf2.settledMs} ms`);
  say(`  cpu: ${cpuLine(r2.cpu)}`);

  const onlyConflicts = (s: Record<number, number>, winners: number, n: number) => winners + (s[409] ?? 0) === n;
  const figures: Figure[] = [
    {
      figure: `${BUYERS_ONE_SEAT} keyed buyers, one seat: winners / slowest answer`,
      measured: `${oneSeat.winners} / ${oneSeat.slowestMs} ms (p50 ${oneSeat.latency.p50} ms)`,
      target: `1 / ≤ ${SLOWEST_TARGET_MS} ms`,
      met: oneSeat.winners === 1 && heldByWinner && onlyConflicts(oneSeat.statuses, 1, BUYERS_ONE_SEAT) && oneSeat.slowestMs <= SLOWEST_TARGET_MS,
    },
    {
      figure: `${BUYERS_PAIRS} buyers × 2 of the same 20 seats: winners, disjoint / slowest`,
      measured: `${pairs.winners}, ${disjoint && partial.length === 0 ? 'disjoint, none partial' : 'OVERLAP OR PARTIAL'} / ${pairs.slowestMs} ms`,
      target: `all disjoint / ≤ ${SLOWEST_TARGET_MS} ms`,
      met: disjoint && partial.length === 0 && onlyConflicts(pairs.statuses, pairs.winners, BUYERS_PAIRS) && pairs.slowestMs <= SLOWEST_TARGET_MS,
    },
    {
      figure: 'workflows started by the two races (losers should start none)',
      measured: `${wf1.started} and ${wf2.started}`,
      reference: `winners ${oneSeat.winners} and ${pairs.winners}`,
      target: 'as many as winners',
      met: wf1.started === oneSeat.winners && wf2.started === pairs.winners,
    },
  ];
  const file = writeResult({ name: 'contention', when: new Date().toISOString(), machine: machine(), figures, stack: { mode: stack.mode, baseUrl: stack.baseUrl }, oneSeat, pairs });
  say(`wrote ${file}`);
} finally {
  await connection.close();
  await stack.close();
}
