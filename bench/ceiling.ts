/**
 * How close Marquee's checkout comes to the least work Temporal needs for a
 * checkout, on the same server in the same run (issue 17's headline ratio).
 *
 *   least-work shape  update-with-start answered by one local activity, one
 *                     signal, completion by local activities, no-op activities
 *                     (bench/ceiling/), its own worker process and task queue,
 *                     driven by a Temporal client: start+hold → signal → result
 *   Marquee           hold → pay → CONFIRMED through the stack's HTTP API
 *
 * Phases: one client alone (bare, then Marquee), then CLIENTS clients (bare,
 * Marquee, bare again: the ceiling is the mean of the two bare runs, so drift
 * in the machine's other load cancels out), then the bare shape with
 * Marquee's operator visibility (search attributes, memo), which tells how
 * much of the gap that is. CPU per process is sampled in
 * each phase. Writes bench/results/ceiling.json.
 *
 *   npx tsx bench/ceiling.ts                     starts a private scripts/stack and stops it
 *   BASE_URL=http://localhost:3000 npx tsx bench/ceiling.ts   uses a running one (same
 *                                                variables as scripts/stack; its Temporal)
 * Env: CLIENTS (32), PHASE_SECONDS (15), WARMUP_S (3), SOLO_SECONDS (8).
 */
import { startLeastWork } from './ceiling/driver.js';
import { checkoutOne } from './lib/api.js';
import { buyers, seatPool } from './lib/fixtures.js';
import { closedLoop, failuresText, type ClosedLoopResult, type Outcome } from './lib/loops.js';
import { cpuLine, meterCpu, type CpuReport } from './lib/processes.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { round } from './lib/stats.js';
import { measuredProcesses, openStack } from './lib/stack.js';
import { envNumber } from './lib/settings.js';

const CLIENTS = envNumber('CLIENTS', 32);
const SECONDS = envNumber('PHASE_SECONDS', 15);
const WARMUP_S = envNumber('WARMUP_S', 3);
const SOLO_SECONDS = envNumber('SOLO_SECONDS', 8);
/** Paid orders/s of pretix (32 clients) on this machine, from the issue: an outside reference, not re-measured here. */
const PRETIX_PAID_PER_S = '14–16';

const stack = await openStack({ name: 'ceiling' });
const leastWork = await startLeastWork(stack.config.TEMPORAL_ADDRESS, stack.config.TEMPORAL_NAMESPACE);
const bareCheckout = leastWork.checkout;

interface Phase {
  shape: 'least-work' | 'least-work + visibility' | 'marquee';
  loop: ClosedLoopResult;
  cpu: CpuReport;
}

const pids = measuredProcesses(stack, { 'least-work-worker': leastWork.worker.child.pid });
async function phase(shape: Phase['shape'], clients: number, seconds: number, op: (c: number) => Promise<Outcome | undefined>): Promise<Phase> {
  const meter = meterCpu(pids);
  const loop = await closedLoop({ clients, warmupS: WARMUP_S, durationS: seconds, op });
  const cpu = meter.stop();
  say(`${shape}, ${clients} client(s): ${loop.perSecond}/s (${loop.completed} ok, ${loop.failed} failed${failuresText(loop.failures)}${loop.exhausted ? ', seat pool ran out' : ''}), hold p50 ${loop.latency.hold?.p50} ms p99 ${loop.latency.hold?.p99} ms`);
  say(`  cpu: ${cpuLine(cpu)}`);
  return { shape, loop, cpu };
}

try {
  // Seats for the Marquee phases at up to ~200 checkouts/s; users as many as clients.
  const pool = await seatPool(stack.ds, Math.ceil((WARMUP_S * 2 + SECONDS + SOLO_SECONDS) * 200));
  const users = await buyers(stack.ds, stack.config, CLIENTS);
  const marquee = async (c: number): Promise<Outcome | undefined> => {
    const seat = pool.next();
    return seat && checkoutOne(stack.baseUrl, users[c]!.token, seat);
  };
  say(`ceiling: ${stack.mode} stack at ${stack.baseUrl}, Temporal ${stack.config.TEMPORAL_ADDRESS}; ${pool.size} seats, ${CLIENTS} clients, ${SECONDS} s per phase`);

  const soloBare = await phase('least-work', 1, SOLO_SECONDS, bareCheckout);
  const soloMarquee = await phase('marquee', 1, SOLO_SECONDS, marquee);
  const bareBefore = await phase('least-work', CLIENTS, SECONDS, bareCheckout);
  const full = await phase('marquee', CLIENTS, SECONDS, marquee);
  const bareAfter = await phase('least-work', CLIENTS, SECONDS, bareCheckout);
  // Not part of the ratio: how much of the gap is Temporal's visibility work, which the least-work shape skips.
  const visible = await phase('least-work + visibility', CLIENTS, SECONDS, leastWork.visibleCheckout);

  const ceiling = round((bareBefore.loop.perSecond + bareAfter.loop.perSecond) / 2);
  const ratio = round(full.loop.perSecond / ceiling, 2);
  const soloHoldRatio = round(soloMarquee.loop.latency.hold!.p50 / soloBare.loop.latency.hold!.p50, 2);
  const holdOf = (p: Phase) => p.loop.latency.hold!;
  const figures: Figure[] = [
    {
      figure: `completed checkouts/s, ${CLIENTS} clients, hold → pay → CONFIRMED`,
      measured: `${full.loop.perSecond}/s`,
      reference: `least-work shape ${ceiling}/s (${bareBefore.loop.perSecond} before, ${bareAfter.loop.perSecond} after)`,
      ratio,
      target: `ratio ≥ 0.9 and above pretix's ${PRETIX_PAID_PER_S} paid orders/s`,
      met: ratio >= 0.9 && full.loop.perSecond > 16,
    },
    {
      figure: `hold latency in that loop, p50 / p99`,
      measured: `${holdOf(full).p50} / ${holdOf(full).p99} ms`,
      reference: `least-work ${holdOf(bareBefore).p50} / ${holdOf(bareBefore).p99} ms`,
      ratio: round(holdOf(full).p50 / holdOf(bareBefore).p50, 2),
      target: 'reported',
      met: null,
    },
    {
      figure: 'one client alone: hold p50',
      measured: `${holdOf(soloMarquee).p50} ms (p99 ${holdOf(soloMarquee).p99})`,
      reference: `least-work ${holdOf(soloBare).p50} ms (p99 ${holdOf(soloBare).p99})`,
      ratio: soloHoldRatio,
      target: '≤ 1.2 × least-work',
      met: soloHoldRatio <= 1.2,
    },
    {
      figure: `least-work shape with Marquee's operator visibility (4 search attributes, memo, 2 status upserts), ${CLIENTS} clients`,
      measured: `${visible.loop.perSecond}/s`,
      reference: `least-work shape ${ceiling}/s`,
      ratio: round(visible.loop.perSecond / ceiling, 2),
      target: 'reported',
      met: null,
    },
  ];
  say(`ratio: ${full.loop.perSecond} / ${ceiling} = ${ratio}`);
  const file = writeResult({
    name: 'ceiling',
    when: new Date().toISOString(),
    machine: machine(),
    figures,
    stack: { mode: stack.mode, baseUrl: stack.baseUrl, temporal: stack.config.TEMPORAL_ADDRESS, holdTtlSeconds: stack.config.HOLD_TTL_SECONDS },
    settings: { clients: CLIENTS, seconds: SECONDS, warmupS: WARMUP_S, soloSeconds: SOLO_SECONDS, marqueeRequests: 'POST /checkouts (own Idempotency-Key), POST /checkouts/:id/pay' },
    ceilingPerSecond: ceiling,
    ratio,
    phases: { soloBare, soloMarquee, bareBefore, marquee: full, bareAfter, visible },
  });
  say(`wrote ${file}`);
} finally {
  await leastWork.close();
  await stack.close();
}
