/**
 * Expiry storm and the memory of open checkouts, on a private stack (this
 * benchmark restarts parts of it, so it never attaches to a running one).
 *
 * 1. Storm. EXPIRING (2,000) one-seat holds are placed with HOLD_TTL_SECONDS =
 *    TTL_SECONDS. This machine places a few dozen holds a second, so their
 *    timers would run out spread over a minute or more. To make them expire
 *    all at once, the worker is stopped (SIGTERM) once every hold is placed
 *    and started again (`scripts/stack up`) only after the last hold's TTL has
 *    passed: every timer has fired on the server, and the worker faces all
 *    EXPIRING expiries in the same second, with a cold cache (each workflow is
 *    replayed from its history first, which a live storm would not need).
 *    Measured: from the worker being ready to the last seat released; every
 *    booking must be EXPIRED, no seat left held, no workflow left running.
 * 2. Memory. The stack is restarted with a one-hour TTL and OPEN (10,000)
 *    holds are placed and left open; the RSS of the worker, Temporal and the
 *    API before and after, and the size of Temporal's SQLite files.
 *
 *   npx tsx bench/expiry.ts
 * Env: EXPIRING (2000), OPEN (10000), TTL_SECONDS (150), CLIENTS (32).
 * Writes bench/results/expiry.json.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { waitGone } from '../test/support/processes.js';
import { holdOne } from './lib/api.js';
import { buyers, seatPool, type SeatPool } from './lib/fixtures.js';
import { closedLoop, type ClosedLoopResult } from './lib/loops.js';
import { cpuLine, meterCpu, rssMB } from './lib/processes.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { round, summarize } from './lib/stats.js';
import { measuredProcesses, openStack } from './lib/stack.js';
import { envNumber } from './lib/settings.js';

const EXPIRING = envNumber('EXPIRING', 2000);
const OPEN = envNumber('OPEN', 10_000);
const TTL_SECONDS = envNumber('TTL_SECONDS', 150);
const CLIENTS = envNumber('CLIENTS', 32);
const TARGET_S = 30;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await openStack({ name: 'expiry', own: true, env: { HOLD_TTL_SECONDS: String(TTL_SECONDS) } });
const own = stack.own!;
const connection = await Connection.connect({ address: stack.config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: stack.config.TEMPORAL_NAMESPACE });

/** Holds one seat each until the pool is empty (bounded by `maxS`). */
async function placeAll(pool: SeatPool, tokens: string[], maxS: number): Promise<ClosedLoopResult> {
  return closedLoop({
    clients: CLIENTS,
    warmupS: 0,
    durationS: maxS,
    op: async (c) => {
      const seat = pool.next();
      return seat && holdOne(stack.baseUrl, tokens[c]!, seat);
    },
  });
}

const inList = (ids: number[]) => ids.map(() => '?').join(',');

try {
  const tokens = (await buyers(stack.ds, stack.config, CLIENTS)).map((u) => u.token);

  // ---- 1. the storm
  const stormPool = await seatPool(stack.ds, EXPIRING);
  const shows = stormPool.showtimeIds;
  say(`expiry: private stack at ${stack.baseUrl}, HOLD_TTL_SECONDS=${TTL_SECONDS}; placing ${EXPIRING} holds`);
  const placing = await placeAll(stormPool, tokens, TTL_SECONDS);
  const [span] = await stack.ds.query(
    `SELECT COUNT(*) AS held, MIN(held_until) AS first, MAX(held_until) AS last FROM show_seats WHERE showtime_id IN (${inList(shows)}) AND status = 'held'`,
    shows,
  );
  const placed = Number(span.held);
  const first = new Date(span.first);
  const last = new Date(span.last);
  say(`placed ${placed} holds in ${placing.durationS} s (${placing.perSecond}/s); they end between ${first.toISOString()} and ${last.toISOString()}`);
  if (placed !== EXPIRING) throw new Error(`only ${placed} of ${EXPIRING} holds were placed (${placing.failed} failed)`);

  const workerPid = stack.pids().worker!;
  process.kill(workerPid, 'SIGTERM');
  if (!(await waitGone(workerPid, 30_000))) throw new Error(`the worker (pid ${workerPid}) did not stop within 30 s`);
  const stoppedAt = new Date();
  if (stoppedAt >= first) throw new Error(`the first hold ended (${first.toISOString()}) before the worker was stopped: raise TTL_SECONDS above the ${placing.durationS} s placing took`);
  say(`worker stopped; waiting for the last hold to end (${Math.round((last.getTime() - Date.now()) / 1000)} s)`);
  await sleep(Math.max(0, last.getTime() - Date.now()) + 2000);

  const startedAt = Date.now();
  await own.up();
  const readyAt = Date.now();
  say(`worker ready ${((readyAt - startedAt) / 1000).toFixed(1)} s after \`scripts/stack up\`; draining`);
  const meter = meterCpu(measuredProcesses(stack));
  let left = placed;
  const stillHeldBySecond: number[] = [];
  while (left > 0 && Date.now() - readyAt < 600_000) {
    const [row] = await stack.ds.query(`SELECT COUNT(*) AS n FROM show_seats WHERE showtime_id IN (${inList(shows)}) AND status = 'held'`, shows);
    left = Number(row.n);
    stillHeldBySecond[Math.floor((Date.now() - readyAt) / 1000)] = left;
    if (left > 0) await sleep(200);
  }
  const drainedAt = Date.now();
  const cpu = meter.stop();
  say(`  cpu while draining: ${cpuLine(cpu)}`);
  const bookings: { status: string; updated_at: Date }[] = await stack.ds.query(
    `SELECT status, updated_at FROM bookings WHERE showtime_id IN (${inList(shows)})`,
    shows,
  );
  const expired = bookings.filter((b) => b.status === 'EXPIRED');
  const releasedAfterReady = expired.map((b) => (new Date(b.updated_at).getTime() - readyAt) / 1000);
  let running = -1;
  for (const t0 = Date.now(); Date.now() - t0 < 30_000; await sleep(500)) {
    running = (await temporal.workflow.count(`TaskQueue = "${stack.config.TASK_QUEUE}" AND ShowtimeId IN (${shows.map((s) => `"${s}"`).join(',')}) AND ExecutionStatus = "Running"`)).count;
    if (running === 0) break;
  }
  const allReleasedS = round((drainedAt - readyAt) / 1000);
  const storm = {
    holds: placed,
    ttlSeconds: TTL_SECONDS,
    placing: { seconds: placing.durationS, perSecond: placing.perSecond, failed: placing.failed, holdLatency: placing.latency.hold },
    holdsEnd: { first: first.toISOString(), last: last.toISOString() },
    workerStoppedAt: stoppedAt.toISOString(),
    workerRestartS: round((readyAt - startedAt) / 1000),
    stillHeld: left,
    expiredBookings: expired.length,
    otherBookings: bookings.length - expired.length,
    runningWorkflowsAfter: running,
    allReleasedAfterWorkerReadyS: allReleasedS,
    sinceLastHoldEndedS: round((drainedAt - last.getTime()) / 1000),
    releaseAfterWorkerReadyS: summarize(releasedAfterReady),
    /** Seats still held, by whole second after the worker was ready (gaps: no sample in that second). */
    stillHeldBySecond,
    cpu,
  };
  say(`${expired.length}/${placed} expired, ${left} still held, ${running} workflows running; all released ${allReleasedS} s after the worker was ready (p50 ${storm.releaseAfterWorkerReadyS.p50} s)`);

  // ---- 2. memory with OPEN open checkouts
  own.env.HOLD_TTL_SECONDS = '3600';
  await own.down();
  await own.up();
  await sleep(3000);
  const rssOf = () => Object.fromEntries(Object.entries(stack.pids()).map(([n, pid]) => [n, pid ? rssMB(pid) : undefined]));
  const temporalFilesMB = () =>
    round(['temporal.db', 'temporal.db-wal'].reduce((a, f) => a + (statSync(path.join(own.stackDir, f), { throwIfNoEntry: false })?.size ?? 0), 0) / 1e6);
  const idle = { rssMB: rssOf(), temporalFilesMB: temporalFilesMB() };
  say(`idle after restart: ${JSON.stringify(idle)}; placing ${OPEN} open holds`);
  const openPool = await seatPool(stack.ds, OPEN);
  const placingOpen = await placeAll(openPool, tokens, 3 * OPEN);
  const [{ n: openHeld }] = await stack.ds.query(`SELECT COUNT(*) AS n FROM show_seats WHERE showtime_id IN (${inList(openPool.showtimeIds)}) AND status = 'held'`, openPool.showtimeIds);
  await sleep(5000);
  const loaded = { rssMB: rssOf(), temporalFilesMB: temporalFilesMB() };
  const memory = { open: Number(openHeld), placing: { seconds: placingOpen.durationS, perSecond: placingOpen.perSecond, failed: placingOpen.failed }, idle, loaded };
  say(`${memory.open} open checkouts: ${JSON.stringify(loaded)}`);

  const mb = (v: number | undefined) => (v === undefined ? '?' : `${Math.round(v)} MB`);
  const figures: Figure[] = [
    {
      figure: `${placed.toLocaleString('en')} holds expiring at once: all released within`,
      measured: `${allReleasedS} s after the worker was ready (p50 ${storm.releaseAfterWorkerReadyS.p50} s); ${expired.length} EXPIRED, ${left} held, ${running} running`,
      reference: `placing them took ${placing.durationS} s at ${placing.perSecond} holds/s`,
      target: `≤ ${TARGET_S} s, none stuck`,
      met: allReleasedS <= TARGET_S && left === 0 && expired.length === placed && running === 0,
    },
    {
      figure: `memory with ${memory.open.toLocaleString('en')} open checkouts: worker / Temporal / API RSS`,
      measured: `${mb(loaded.rssMB.worker)} / ${mb(loaded.rssMB.temporal)} / ${mb(loaded.rssMB['api-1'])}; Temporal's SQLite ${loaded.temporalFilesMB} MB`,
      reference: `idle ${mb(idle.rssMB.worker)} / ${mb(idle.rssMB.temporal)} / ${mb(idle.rssMB['api-1'])}; SQLite ${idle.temporalFilesMB} MB`,
      target: 'reported',
      met: null,
    },
  ];
  const file = writeResult({ name: 'expiry', when: new Date().toISOString(), machine: machine(), figures, settings: { expiring: EXPIRING, open: OPEN, ttlSeconds: TTL_SECONDS, clients: CLIENTS }, storm, memory });
  say(`wrote ${file}`);
} finally {
  await connection.close();
  await stack.close();
}
