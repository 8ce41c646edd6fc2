import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { notFound } from '../../../core/errors.js';
import { cancelShowtimeWorkflowId, type CancelShowtimeInput } from '../../../workflows/contracts.js';
import type { cancelShowtimeWorkflow } from '../../../workflows/refunds.js';
import { route } from '../../route.js';
import { IdParams, page } from '../../schemas/common.js';
import { AdminBooking, AdminBookingListQuery, CancelBody, ShowtimeCancelled } from '../../schemas/checkout.js';
import { findBookings } from '../../../db/bookings.js';
import * as showtimes from '../../../db/showtimes.js';

const TAGS = ['Admin'];

export const adminBookingRoutes = [
  route({
    method: 'get',
    path: '/admin/bookings',
    summary: 'Bookings by status, showtime and user, each linked to its workflow in the Temporal UI',
    tags: TAGS,
    auth: 'admin',
    query: AdminBookingListQuery,
    responses: { 200: { description: 'A page of bookings', schema: page(AdminBooking) } },
    handler: async ({ query }, deps) => {
      const { items, total } = await findBookings(deps.ds, deps.config, {
        status: query.status,
        showtimeId: query.showtime,
        userId: query.user,
        limit: query.limit,
        offset: query.offset,
      });
      const ui = deps.config.TEMPORAL_UI_URL.replace(/\/$/, '');
      const ns = encodeURIComponent(deps.config.TEMPORAL_NAMESPACE);
      return {
        body: {
          items: items.map((b) => ({ ...b, workflowUrl: `${ui}/namespaces/${ns}/workflows/${encodeURIComponent(b.checkoutId)}` })),
          total,
          limit: query.limit,
          offset: query.offset,
        },
      };
    },
  }),

  route({
    method: 'post',
    path: '/admin/showtimes/:id/cancel',
    summary: 'Cancel a showtime: end its open checkouts and refund its confirmed bookings',
    tags: TAGS,
    auth: 'admin',
    params: IdParams,
    body: CancelBody,
    responses: { 200: { description: 'Cancelled; refunds run durably in the background', schema: ShowtimeCancelled } },
    handler: async ({ params, body }, deps) => {
      if (!(await showtimes.exists(deps.ds, params.id))) throw notFound('showtime', params.id);
      const input: CancelShowtimeInput = { showtimeId: params.id, reason: body.reason ?? 'showtime cancelled by the cinema' };
      const handle = await deps.temporal.workflow.start<typeof cancelShowtimeWorkflow>('cancelShowtimeWorkflow', {
        workflowId: cancelShowtimeWorkflowId(params.id),
        taskQueue: deps.config.TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      const result = await handle.result();
      return { body: { showtimeId: params.id, status: 'cancelled', checkoutsEnded: result.checkouts, bookingsRefunded: result.bookings } };
    },
  }),
];
