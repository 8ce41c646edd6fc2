import { appendFileSync, writeFileSync } from 'node:fs';
import { machine, writeResult, type Figure } from '../../bench/lib/results.js';
import { summarize, type Summary } from '../../bench/lib/stats.js';
import type { CheckResult } from './audit.js';
import { FAULT_KINDS, type FaultKind, type FaultRecord } from './faults.js';

/**
 * What a run found: the lines it prints (one per check, then
 * `chaos: N checkouts, F faults, V violations`), its JSON result, and its
 * counts for scripts/test (one test per auditor check, plus one that every
 * fault kind happened and recovered and one that the stack healed).
 */

export interface FaultSummary {
  count: number;
  downMs: Summary;
  /** null entries (never recovered) are left out and counted in `unrecovered`. */
  recoveryMs: Summary;
  unrecovered: number;
}

export function faultsByKind(records: FaultRecord[]): Record<FaultKind, FaultSummary> {
  return Object.fromEntries(
    FAULT_KINDS.map((kind) => {
      const of = records.filter((r) => r.kind === kind);
      const recovered = of.map((r) => r.recoveryMs).filter((ms): ms is number => ms !== null);
      return [kind, { count: of.length, downMs: summarize(of.map((r) => r.downMs)), recoveryMs: summarize(recovered), unrecovered: of.length - recovered.length }];
    }),
  ) as Record<FaultKind, FaultSummary>;
}

export interface RunOutcome {
  checkouts: number;
  faults: FaultRecord[];
  checks: CheckResult[];
  heal: { healed: boolean; ms: number; waitingFor: string[] };
}

/** Pass/fail of each counted test of the run. */
export function verdicts(o: RunOutcome): { name: string; ok: boolean; note: string }[] {
  const byKind = faultsByKind(o.faults);
  const missing = FAULT_KINDS.filter((k) => byKind[k].count === 0 || byKind[k].unrecovered > 0);
  return [
    ...o.checks.map((c) => ({
      name: `check ${c.check}`,
      ok: c.violations.length === 0,
      note: c.violations.length === 0 ? 'ok' : `${c.violations.length} violations`,
    })),
    {
      name: 'faults: every kind injected and recovered',
      ok: missing.length === 0,
      note: missing.length === 0 ? `${o.faults.length} faults` : `missing or unrecovered: ${missing.join(', ')}`,
    },
    { name: 'healed', ok: o.heal.healed, note: o.heal.healed ? `in ${(o.heal.ms / 1000).toFixed(1)} s` : `not after ${(o.heal.ms / 1000).toFixed(0)} s: ${o.heal.waitingFor.join('; ')}` },
  ];
}

export function printReport(o: RunOutcome, out: (line: string) => void): void {
  for (const v of verdicts(o)) out(`chaos: ${v.name}: ${v.note}`);
  const violations = o.checks.flatMap((c) => c.violations);
  for (const v of violations.slice(0, 50)) out(`chaos: VIOLATION ${v.check}: ${v.subject}: ${v.detail}`);
  if (violations.length > 50) out(`chaos: … ${violations.length - 50} more violations in the result file`);
  out(`chaos: ${o.checkouts} checkouts, ${o.faults.length} faults, ${violations.length} violations`);
}

/** One counts line for scripts/test (TEST_COUNTS_FILE), as the mocha reporter writes. */
export function appendCounts(file: string, o: RunOutcome): void {
  const v = verdicts(o);
  appendFileSync(file, `${JSON.stringify({ suite: 'chaos', passed: v.filter((x) => x.ok).length, failed: v.filter((x) => !x.ok).length, skipped: 0 })}\n`);
}

export function writeResults(
  file: string | null,
  o: RunOutcome,
  details: Record<string, unknown>,
  opts: { bench: boolean },
): void {
  const violations = o.checks.flatMap((c) => c.violations);
  const byKind = faultsByKind(o.faults);
  const result = {
    name: 'chaos',
    when: new Date().toISOString(),
    machine: machine(),
    checkouts: o.checkouts,
    ...details,
    faults: { total: o.faults.length, byKind, records: o.faults },
    heal: o.heal,
    checks: o.checks.map((c) => ({ check: c.check, violations: c.violations.length })),
    violations,
  };
  if (file) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  if (opts.bench) {
    const recoveries = o.faults.map((f) => f.recoveryMs).filter((ms): ms is number => ms !== null);
    const figures: Figure[] = [
      { figure: 'checkouts under faults', measured: String(o.checkouts), target: 'reported', met: null },
      { figure: 'faults (every kind)', measured: String(o.faults.length), target: `≥ 1 of each of ${FAULT_KINDS.length} kinds`, met: FAULT_KINDS.every((k) => byKind[k].count > 0) },
      { figure: 'slowest recovery after a fault', measured: `${((recoveries.length ? Math.max(...recoveries) : 0) / 1000).toFixed(1)} s`, target: 'reported', met: null },
      { figure: 'invariant violations', measured: String(violations.length), target: '0', met: violations.length === 0 },
    ];
    writeResult({ ...result, figures });
  }
}
