/**
 * Hold latency at a stated load, not only at saturation.
 *   1. peak: CLIENTS closed-loop clients hold one seat each, back to back: the
 *      most holds/s the stack answers;
 *   2. open loop at fractions of that peak (LOADS): holds started on a fixed
 *      schedule whatever the answers, latency counted from the scheduled start.
 * The figure is hold p99 at half the peak; the whole sweep is drawn as a
 * latency-against-offered-load chart (Chart.js in Chromium) to
 * bench/results/latency.png. Writes bench/results/latency.json.
 *
 *   npx tsx bench/latency.ts                             private scripts/stack
 *   BASE_URL=http://localhost:3000 npx tsx bench/latency.ts   a running one
 * Env: CLIENTS (32), PEAK_SECONDS (10), STEP_SECONDS (20), LOADS (0.1,0.25,0.5,0.75,0.9,1).
 */
import { holdOne } from './lib/api.js';
import { buyers, seatPool, type SeatPool } from './lib/fixtures.js';
import { closedLoop, failuresText, openLoop, type OpenLoopResult, type Outcome } from './lib/loops.js';
import { renderChart } from './lib/plot.js';
import { cpuLine, meterCpu, type CpuReport } from './lib/processes.js';
import { machine, resultPath, say, writeResult, type Figure } from './lib/results.js';
import { round } from './lib/stats.js';
import { measuredProcesses, openStack } from './lib/stack.js';
import { envNumber } from './lib/settings.js';

const CLIENTS = envNumber('CLIENTS', 32);
const PEAK_SECONDS = envNumber('PEAK_SECONDS', 10);
const STEP_SECONDS = envNumber('STEP_SECONDS', 20);
const LOADS = (process.env.LOADS ?? '0.1,0.25,0.5,0.75,0.9,1').split(',').map(Number);
if (!LOADS.includes(0.5)) LOADS.push(0.5);
LOADS.sort((a, b) => a - b);
const TARGET_P99_MS = 150;
const WARMUP_S = 3;

const stack = await openStack({ name: 'latency' });
const pids = measuredProcesses(stack);

interface Step {
  fraction: number;
  loop: OpenLoopResult;
  cpu: CpuReport;
}

try {
  const users = await buyers(stack.ds, stack.config, Math.max(CLIENTS, 64));
  const holdFrom = (pool: SeatPool, token: string): Promise<Outcome> => {
    const seat = pool.next();
    return seat ? holdOne(stack.baseUrl, token, seat) : Promise.resolve({ ok: false, ms: {} });
  };
  say(`latency: ${stack.mode} stack at ${stack.baseUrl}`);

  // 1. Peak, closed loop (seats for up to ~250 holds/s).
  const peakPool = await seatPool(stack.ds, (WARMUP_S + PEAK_SECONDS) * 250);
  const peakMeter = meterCpu(pids);
  const peak = await closedLoop({ clients: CLIENTS, warmupS: WARMUP_S, durationS: PEAK_SECONDS, op: (c) => holdFrom(peakPool, users[c]!.token) });
  const peakCpu = peakMeter.stop();
  say(`peak: ${peak.perSecond} holds/s at ${CLIENTS} clients (p50 ${peak.latency.hold?.p50} ms, p99 ${peak.latency.hold?.p99} ms${peak.exhausted ? ', seat pool ran out' : ''})`);
  say(`  cpu: ${cpuLine(peakCpu)}`);
  if (peak.perSecond <= 0) throw new Error('no hold succeeded at peak: nothing to sweep');

  // 2. Open loop, from the lightest load up (seats for every step, and 10 % spare).
  const sweepPool = await seatPool(stack.ds, Math.ceil(LOADS.reduce((a, f) => a + f, 0) * peak.perSecond * STEP_SECONDS * 1.1) + 10);
  const steps: Step[] = [];
  for (const fraction of LOADS) {
    const rate = peak.perSecond * fraction;
    const meter = meterCpu(pids);
    const loop = await openLoop({ ratePerS: rate, durationS: STEP_SECONDS, op: (i) => holdFrom(sweepPool, users[i % users.length]!.token) });
    const cpu = meter.stop();
    steps.push({ fraction, loop, cpu });
    const t = loop.latency.total;
    say(`${fraction} × peak = ${round(rate)} holds/s offered: p50 ${t?.p50} ms, p99 ${t?.p99} ms, ${loop.ok} ok, ${loop.failed} failed${failuresText(loop.failures)}, ${loop.unanswered} unanswered, start lag p99 ${loop.startLagMs.p99} ms`);
    say(`  cpu: ${cpuLine(cpu)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }

  const half = steps.find((s) => s.fraction === 0.5)!;
  const halfP99 = half.loop.latency.total?.p99 ?? NaN;
  const when = new Date().toISOString();
  const png = resultPath('latency.png');
  await renderChart(
    {
      type: 'line',
      data: {
        datasets: [
          { label: 'hold p99 (ms)', data: steps.map((s) => ({ x: s.loop.offeredPerSecond, y: s.loop.latency.total?.p99 })), borderColor: '#c0392b', backgroundColor: '#c0392b', yAxisID: 'y' },
          { label: 'hold p50 (ms)', data: steps.map((s) => ({ x: s.loop.offeredPerSecond, y: s.loop.latency.total?.p50 })), borderColor: '#2471a3', backgroundColor: '#2471a3', yAxisID: 'y' },
          {
            label: `target: p99 ≤ ${TARGET_P99_MS} ms at half the peak`,
            data: [
              { x: 0, y: TARGET_P99_MS },
              { x: peak.perSecond, y: TARGET_P99_MS },
            ],
            borderColor: '#7f8c8d',
            borderDash: [6, 4],
            pointRadius: 0,
            yAxisID: 'y',
          },
          { label: 'answered holds/s', data: steps.map((s) => ({ x: s.loop.offeredPerSecond, y: s.loop.answeredPerSecond })), borderColor: '#27ae60', backgroundColor: '#27ae60', borderDash: [2, 2], yAxisID: 'y2' },
        ],
      },
      options: {
        plugins: {
          title: { display: true, text: `Marquee hold latency against offered load (open loop; closed-loop peak ${peak.perSecond} holds/s at ${CLIENTS} clients) — ${when.slice(0, 10)}` },
          legend: { position: 'bottom' },
        },
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'offered load (holds/s, started on a fixed schedule)' } },
          y: { type: 'logarithmic', title: { display: true, text: 'latency from scheduled start (ms, log scale)' } },
          y2: { type: 'linear', position: 'right', min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: 'answered holds/s' } },
        },
      },
    },
    png,
  );

  const figures: Figure[] = [
    {
      figure: 'hold p99 at half the peak rate, open loop',
      measured: `${halfP99} ms (p50 ${half.loop.latency.total?.p50} ms) at ${half.loop.offeredPerSecond} holds/s`,
      reference: `closed-loop peak ${peak.perSecond} holds/s at ${CLIENTS} clients (p99 ${peak.latency.hold?.p99} ms)`,
      ratio: 0.5,
      target: `≤ ${TARGET_P99_MS} ms`,
      met: halfP99 <= TARGET_P99_MS && half.loop.failed === 0 && half.loop.unanswered === 0,
    },
  ];
  const file = writeResult({
    name: 'latency',
    when,
    machine: machine(),
    figures,
    stack: { mode: stack.mode, baseUrl: stack.baseUrl },
    settings: { clients: CLIENTS, peakSeconds: PEAK_SECONDS, stepSeconds: STEP_SECONDS, loads: LOADS, request: 'POST /checkouts, one seat, own Idempotency-Key' },
    peak: { ...peak, cpu: peakCpu },
    steps,
    chart: png,
  });
  say(`wrote ${file} and ${png}`);
} finally {
  await stack.close();
}
