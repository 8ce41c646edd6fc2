import { z } from 'zod';
import { AuditActions, AuditResources } from '../../core/audit.js';
import { Roles } from '../../core/domain.js';
import { Instant, IntId, page } from './common.js';
import { DayParam, pagination } from './params.js';

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: Instant,
    actor: z.object({
      id: z.number().int(),
      role: z.enum(Roles).meta({ description: 'The role the actor acted with' }),
      email: z.string().nullable(),
      name: z.string().nullable(),
    }),
    action: z.enum(AuditActions),
    resource: z.object({ type: z.enum(AuditResources), id: z.string() }),
    changes: z.record(z.string(), z.unknown()).meta({
      description: 'What changed: the fields of a created row, {field: {from, to}} of an edit, what a deleted row was; texts cut at 200 characters',
    }),
    workflowId: z.string().nullable().meta({ description: 'The workflow that carries the action out (cancellations, releases)' }),
    workflowUrl: z.url().nullable(),
    requestId: z.string().nullable().meta({ description: 'X-Request-Id of the request, as in the logs' }),
  })
  .meta({ id: 'AuditEntry' });

export const AuditPage = page(AuditEntrySchema).meta({ id: 'AuditPage' });

export const AuditQuery = pagination(50, 100).extend({
  resource: z.enum(AuditResources).optional(),
  resourceId: z
    .string()
    .regex(/^[\w-]{1,40}$/, 'an id')
    .optional()
    .meta({ description: 'With `resource`: the id of the movie, hall, showtime, booking (chk_…), … ' }),
  actor: IntId.optional().meta({ description: 'The user id of the admin who acted' }),
  action: z.enum(AuditActions).optional(),
  from: DayParam.optional().meta({ description: 'Entries on or after this UTC day' }),
  to: DayParam.optional().meta({ description: 'Entries on or before this UTC day' }),
});
