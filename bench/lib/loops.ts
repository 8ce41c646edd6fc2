import { round, summarize, type Summary } from './stats.js';

/**
 * Load shapes for operations that are more than one request (hold, then pay):
 * a closed loop (each client starts its next operation when the last one
 * answered: measures capacity) and an open loop (operations start on a fixed
 * schedule whatever the answers: measures latency at a stated load). Both
 * are bounded in time and count.
 */

/** What one operation reports: success, and named durations in ms (e.g. hold, total). */
export interface Outcome {
  ok: boolean;
  ms: Record<string, number>;
  /** Why it failed, e.g. "hold 409 SEATS_UNAVAILABLE": failures are counted by it. */
  failure?: string;
}

/** Failures by their `failure` (or the thrown error's message). */
export type FailureCounts = Record<string, number>;

/** ", failures: hold 503 PAYMENT_PROVIDER_ERROR × 3", or nothing when there were none. */
export const failuresText = (counts: FailureCounts): string => {
  const parts = Object.entries(counts).map(([why, n]) => `${why} × ${n}`);
  return parts.length ? `; failures: ${parts.join(', ')}` : '';
};
const countFailure = (counts: FailureCounts, why: string | undefined): void => {
  const key = why ?? 'unknown';
  counts[key] = (counts[key] ?? 0) + 1;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ClosedLoopResult {
  clients: number;
  durationS: number;
  completed: number;
  failed: number;
  failures: FailureCounts;
  perSecond: number;
  /** The operation source ran dry before the time was up. */
  exhausted: boolean;
  latency: Record<string, Summary>;
}

/**
 * `clients` loops run `op` back to back for warmupS + durationS. Counted: the
 * operations that both started after the warm-up and finished before the end;
 * the rate is those per second of the measured window. `op` returns undefined
 * when it has nothing left to do (the seat pool is used up).
 */
export async function closedLoop(o: {
  clients: number;
  warmupS: number;
  durationS: number;
  op: (client: number) => Promise<Outcome | undefined>;
}): Promise<ClosedLoopResult> {
  const t0 = performance.now();
  const from = t0 + o.warmupS * 1000;
  const until = from + o.durationS * 1000;
  const samples: Record<string, number[]> = {};
  let completed = 0;
  let failed = 0;
  const failures: FailureCounts = {};
  let exhausted = false;
  await Promise.all(
    Array.from({ length: o.clients }, async (_, c) => {
      while (performance.now() < until && !exhausted) {
        const started = performance.now();
        const out = await o.op(c);
        if (!out) {
          exhausted = true;
          break;
        }
        const ended = performance.now();
        if (started < from || ended > until) continue;
        if (!out.ok) {
          failed++;
          countFailure(failures, out.failure);
          continue;
        }
        completed++;
        for (const [k, v] of Object.entries(out.ms)) (samples[k] ??= []).push(v);
      }
    }),
  );
  // A source that ran dry during the warm-up leaves no window: count over a millisecond rather than divide by zero.
  const windowS = Math.max(0.001, (Math.min(until, performance.now()) - from) / 1000);
  return {
    clients: o.clients,
    durationS: round(windowS, 2),
    completed,
    failed,
    failures,
    perSecond: round(completed / windowS),
    exhausted,
    latency: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])),
  };
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  durationS: number;
  started: number;
  ok: number;
  failed: number;
  failures: FailureCounts;
  /** Still unanswered when the drain time ran out. */
  unanswered: number;
  /** Answers per second over the time from the first start to the last answer. */
  answeredPerSecond: number;
  /** Per named duration; `total` is measured from the scheduled start, so a late start counts against latency. */
  latency: Record<string, Summary>;
  /** How late the generator started requests behind their schedule (its own health). */
  startLagMs: Summary;
}

/**
 * Starts `op` at `ratePerS` on a fixed schedule for `durationS`, never waiting
 * for answers, then waits (at most `drainS`) for the stragglers. Latency is
 * taken from each operation's scheduled time, so a generator or event loop that
 * falls behind shows up as latency instead of hiding it.
 */
export async function openLoop(o: {
  ratePerS: number;
  durationS: number;
  drainS?: number;
  op: (i: number) => Promise<Outcome>;
}): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(o.ratePerS * o.durationS));
  const interval = 1000 / o.ratePerS;
  const samples: Record<string, number[]> = { total: [] };
  const lags: number[] = [];
  let ok = 0;
  let failed = 0;
  const failures: FailureCounts = {};
  let lastAnswer = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const late = performance.now() - due;
    lags.push(Math.max(0, late));
    inflight.push(
      o.op(i).then(
        (out) => {
          lastAnswer = performance.now();
          if (!out.ok) {
            failed++;
            countFailure(failures, out.failure);
            return;
          }
          ok++;
          samples.total!.push(lastAnswer - due);
          for (const [k, v] of Object.entries(out.ms)) if (k !== 'total') (samples[k] ??= []).push(v);
        },
        (e: unknown) => {
          lastAnswer = performance.now();
          failed++;
          countFailure(failures, e instanceof Error ? e.message : String(e));
        },
      ),
    );
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(inflight), new Promise((r) => (timer = setTimeout(r, (o.drainS ?? 30) * 1000)))]);
  clearTimeout(timer);
  const spanS = ((lastAnswer || performance.now()) - t0) / 1000;
  return {
    offeredPerSecond: round(o.ratePerS, 2),
    durationS: o.durationS,
    started: total,
    ok,
    failed,
    failures,
    unanswered: total - ok - failed,
    answeredPerSecond: round((ok + failed) / spanS),
    latency: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])),
    startLagMs: summarize(lags),
  };
}
