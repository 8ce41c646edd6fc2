import type { Context } from 'koa';
import * as audit from '../../../db/audit.js';
import type { Sql } from '../../../db/sql.js';
import type { AuthUser } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import { ErrorResponse } from '../../schemas/common.js';

export const tags = ['admin'];

export const errorReply = (description: string) => ({ description, schema: ErrorResponse });

/** Who asks: the signed-in admin and the request (its id goes into the entry). */
export interface Requester {
  user: AuthUser;
  ctx: Context;
}

/**
 * Records an admin action in the audit trail with who asked and the request
 * id. Pass the change's own transaction, so the entry commits or rolls back
 * with it.
 */
export const audited = (sql: Sql, deps: Pick<AppDeps, 'clock'>, by: Requester, entry: Omit<audit.NewAuditEntry, 'actor' | 'requestId'>): Promise<void> =>
  audit.record(sql, { ...entry, actor: by.user, requestId: (by.ctx.state.requestId as string | undefined) ?? null }, deps.clock.now());

/** A workflow's page in the Temporal UI (TEMPORAL_UI_URL), where operators follow what it did. */
export function workflowUrl(config: Pick<AppDeps['config'], 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>, workflowId: string): string {
  const ui = config.TEMPORAL_UI_URL.replace(/\/$/, '');
  return `${ui}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}
