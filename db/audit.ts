import { auditValue, resourceOfAction, type AuditAction, type AuditResource } from '../core/audit.js';
import type { Role } from '../core/domain.js';
import { num, whereAll, type Sql } from './sql.js';

/**
 * The audit trail of admin actions: one row per change an admin made, written
 * in the transaction of the change itself (so a rolled-back change leaves no
 * entry), or, for a change a workflow carries out, once Temporal has accepted
 * the workflow or signal (with its id). Rows are never updated or deleted.
 */

export interface NewAuditEntry {
  actor: { id: number; role: Role };
  action: AuditAction;
  resourceId: string | number;
  /** What changed, small: created fields, `{field: {from, to}}` of an edit, what a deleted row was. */
  changes: Record<string, unknown>;
  workflowId?: string | null;
  requestId?: string | null;
}

export async function record(sql: Sql, e: NewAuditEntry, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, changes, workflow_id, request_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      now,
      e.actor.id,
      e.actor.role,
      e.action,
      resourceOfAction(e.action),
      String(e.resourceId),
      JSON.stringify(auditValue(e.changes)),
      e.workflowId ?? null,
      e.requestId ?? null,
    ],
  );
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: { id: number; role: Role; email: string | null; name: string | null };
  action: AuditAction;
  resource: { type: AuditResource; id: string };
  changes: Record<string, unknown>;
  workflowId: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  resourceType?: AuditResource;
  resourceId?: string;
  actorId?: number;
  action?: AuditAction;
  /** at >= from */
  from?: Date;
  /** at < to */
  to?: Date;
  limit: number;
  offset: number;
}

interface Row {
  id: number | string;
  at: Date;
  actor_id: number;
  actor_role: Role;
  email: string | null;
  name: string | null;
  action: AuditAction;
  resource_type: AuditResource;
  resource_id: string;
  changes: string;
  workflow_id: string | null;
  request_id: string | null;
}

/** Newest first; the actor's current email and name joined in (null if the user is gone). */
export async function findEntries(sql: Sql, f: AuditFilter): Promise<{ items: AuditEntry[]; total: number }> {
  const [w, params] = whereAll([
    f.resourceType !== undefined && ['a.resource_type = ?', f.resourceType],
    f.resourceId !== undefined && ['a.resource_id = ?', f.resourceId],
    f.actorId !== undefined && ['a.actor_id = ?', f.actorId],
    f.action !== undefined && ['a.action = ?', f.action],
    f.from !== undefined && ['a.at >= ?', f.from],
    f.to !== undefined && ['a.at < ?', f.to],
  ]);
  const [rows, [count]]: [Row[], { n: number }[]] = await Promise.all([
    sql.query(
      `SELECT a.id, a.at, a.actor_id, a.actor_role, u.email, u.name, a.action, a.resource_type, a.resource_id, a.changes, a.workflow_id, a.request_id
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id ${w} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`,
      [...params, f.limit, f.offset],
    ),
    sql.query(`SELECT COUNT(*) AS n FROM audit_log a ${w}`, params),
  ]);
  return {
    items: rows.map((r) => ({
      id: num(r.id),
      at: r.at,
      actor: { id: r.actor_id, role: r.actor_role, email: r.email, name: r.name },
      action: r.action,
      resource: { type: r.resource_type, id: r.resource_id },
      changes: JSON.parse(r.changes) as Record<string, unknown>,
      workflowId: r.workflow_id,
      requestId: r.request_id,
    })),
    total: num(count?.n),
  };
}
