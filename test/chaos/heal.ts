import type { Client } from '@temporalio/client';
import type { Sql } from '../../db/sql.js';
import { isAlive } from '../support/processes.js';
import type { AuditLimits } from './audit.js';
import { runningCheckouts } from './audit-sources.js';
import { API_NODES, apiReady, WORKERS, workerReady, type ChaosStack } from './stack.js';

/**
 * The positive signal that the stack has healed after the last fault: every
 * process runs and answers (both API nodes ready, which needs MariaDB, Redis
 * and Temporal; both workers polling; localstripe reachable), and nothing is
 * overdue: no checkout open, no checkout workflow running and no seat held
 * past its deadline plus the hold grace.
 */
export async function unhealed(stack: ChaosStack, ds: Sql, temporal: Client, limits: AuditLimits): Promise<string[]> {
  const waiting: string[] = [];
  for (const name of [...WORKERS, ...API_NODES, 'temporal' as const]) {
    const pid = stack.app.pid(name);
    if (!pid || !isAlive(pid)) waiting.push(`${name} not running`);
  }
  for (const [i, url] of stack.urls.entries()) if (!(await apiReady(url))) waiting.push(`${API_NODES[i]} not ready`);
  for (const name of WORKERS) if (!(await workerReady(stack, name).catch(() => false))) waiting.push(`${name} not polling`);
  if (!stack.relay.isUp()) waiting.push('localstripe unreachable');
  if (waiting.length > 0) return waiting;

  const graceAgo = new Date(Date.now() - limits.holdGraceS * 1000);
  const [{ n: open }] = await ds.query("SELECT COUNT(*) AS n FROM bookings WHERE status IN ('HOLDING', 'AWAITING_PAYMENT') AND hold_expires_at < ?", [graceAgo]);
  if (Number(open) > 0) waiting.push(`${open} checkouts open past their deadline`);
  const [{ n: held }] = await ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE status = 'held' AND held_until < ?", [graceAgo]);
  if (Number(held) > 0) waiting.push(`${held} seats held past their deadline`);
  const running = await runningCheckouts(temporal);
  if (running.length > 0) {
    const ids = running.map((r) => r.workflowId);
    const [{ n: overdue }] = await ds.query(`SELECT COUNT(*) AS n FROM bookings WHERE id IN (${ids.map(() => '?').join(',')}) AND hold_expires_at < ?`, [...ids, graceAgo]);
    if (Number(overdue) > 0) waiting.push(`${overdue} checkout workflows running past their deadline`);
  }
  return waiting;
}

/**
 * Waits for the signal; answers how long it took since `since` (the end of
 * the traffic and faults), or what was still wrong when `timeoutMs` ran out.
 */
export async function waitUntilHealed(
  stack: ChaosStack,
  ds: Sql,
  temporal: Client,
  limits: AuditLimits,
  o: { since: number; timeoutMs: number },
): Promise<{ healed: boolean; ms: number; waitingFor: string[] }> {
  const t0 = o.since;
  let waitingFor: string[] = ['not checked yet'];
  while (Date.now() - t0 < o.timeoutMs) {
    waitingFor = await unhealed(stack, ds, temporal, limits).catch((e: unknown) => [`cannot check: ${String(e).slice(0, 100)}`]);
    if (waitingFor.length === 0) return { healed: true, ms: Date.now() - t0, waitingFor };
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { healed: false, ms: Date.now() - t0, waitingFor };
}
