import { findEntries, type AuditEntry } from '../../../db/audit.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { AuditPage, AuditQuery } from '../../schemas/audit.js';
import { addDays, utcDayRange } from '../../schemas/params.js';
import { tags, workflowUrl } from './support.js';

/** An entry as the API shows it: with its workflow's page in the Temporal UI. */
export const auditView = (deps: Pick<AppDeps, 'config'>, e: AuditEntry) => ({
  ...e,
  workflowUrl: e.workflowId ? workflowUrl(deps.config, e.workflowId) : null,
});

export const adminAuditRoutes = [
  route({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit trail: who changed what, when, on which resource',
    tags,
    auth: 'admin',
    query: AuditQuery,
    responses: { 200: { description: 'A page of entries, newest first', schema: AuditPage } },
    handler: async ({ query }, deps) => {
      const result = await findEntries(deps.ds, {
        resourceType: query.resource,
        resourceId: query.resourceId,
        actorId: query.actor,
        action: query.action,
        from: query.from ? utcDayRange(query.from)[0] : undefined,
        to: query.to ? addDays(utcDayRange(query.to)[0], 1) : undefined,
        limit: query.limit,
        offset: query.offset,
      });
      return { body: { items: result.items.map((e) => auditView(deps, e)), total: result.total, limit: query.limit, offset: query.offset } };
    },
  }),
];
