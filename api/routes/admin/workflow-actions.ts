import { WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { OpenBookingStatuses } from '../../../core/domain.js';
import { conflict, notFound } from '../../../core/errors.js';
import { getState } from '../../../db/bookings.js';
import * as showtimes from '../../../db/showtimes.js';
import {
  cancelBookingWorkflowId,
  cancelShowtimeWorkflowId,
  cancelMessage,
  cancelSignal,
  type CancelBookingInput,
  type CancelShowtimeInput,
} from '../../../workflows/contracts.js';
import type { cancelBookingWorkflow, cancelShowtimeWorkflow } from '../../../workflows/refunds.js';
import { route } from '../../route.js';
import { AdminActionBody, AdminBookingDetail } from '../../schemas/admin-bookings.js';
import { CancelBody, CheckoutIdParams, ShowtimeCancelled } from '../../schemas/checkout.js';
import { IdParams } from '../../schemas/common.js';
import { decided } from '../../settle.js';
import { bookingDetail } from './bookings.js';
import { audited, errorReply } from './support.js';

/**
 * Admin actions that a workflow carries out, through the same workflows and
 * signals as the customer's own requests. Each is recorded in the audit trail
 * with the workflow's id once Temporal has accepted the start or the signal.
 */
const TAGS = ['Admin'];

/** How long a request waits for the workflow before it answers 202 (still running). */
const SETTLE_MS = { cancel: 10_000, release: 5_000 };

export const adminWorkflowActionRoutes = [
  route({
    method: 'post',
    path: '/admin/bookings/:id/cancel',
    summary: 'Cancel a confirmed booking with a full refund, at any time (no customer cut-off)',
    tags: TAGS,
    auth: 'admin',
    params: CheckoutIdParams,
    body: AdminActionBody,
    responses: {
      200: { description: 'Refunded (or it already was)', schema: AdminBookingDetail },
      202: { description: 'Accepted: the refund is still running', schema: AdminBookingDetail },
      409: errorReply('Not a confirmed booking (an open checkout is released instead)'),
    },
    handler: async (input, deps) => {
      const { params, body, user } = input;
      const booking = await getState(deps.ds, params.id);
      if (!booking) throw notFound('booking', params.id);
      if (booking.status === 'REFUNDED') return { body: await bookingDetail(deps, params.id, user) };
      if (booking.status !== 'CONFIRMED') {
        throw conflict('Only a confirmed booking can be cancelled with a refund', { status: booking.status });
      }
      const reason = body.reason ?? 'cancelled by the cinema';
      const workflowId = cancelBookingWorkflowId(params.id);
      const cancelInput: CancelBookingInput = { bookingId: params.id, reason };
      await deps.temporal.workflow.start<typeof cancelBookingWorkflow>('cancelBookingWorkflow', {
        workflowId,
        taskQueue: deps.config.TASK_QUEUE,
        args: [cancelInput],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await audited(deps.ds, deps, input, { action: 'booking.cancel', resourceId: params.id, workflowId, changes: { status: { from: 'CONFIRMED', to: 'REFUNDED' }, reason } });
      await decided(deps, params.id, ['CONFIRMED'], SETTLE_MS.cancel);
      const after = await bookingDetail(deps, params.id, user);
      return { status: after.status === 'REFUNDED' ? 200 : 202, body: after };
    },
  }),

  route({
    method: 'post',
    path: '/admin/bookings/:id/release',
    summary: "Release an open checkout's held seats (signals the checkout workflow to cancel)",
    tags: TAGS,
    auth: 'admin',
    params: CheckoutIdParams,
    body: AdminActionBody,
    responses: {
      200: { description: 'Released (or the checkout had already closed)', schema: AdminBookingDetail },
      202: { description: 'Accepted: the workflow is still releasing', schema: AdminBookingDetail },
      409: errorReply('A paid booking (cancel it with a refund instead), or a checkout whose workflow is no longer running'),
    },
    handler: async (input, deps) => {
      const { params, body, user } = input;
      const booking = await getState(deps.ds, params.id);
      if (!booking) throw notFound('booking', params.id);
      if (booking.status === 'CONFIRMED' || booking.status === 'REFUNDED') {
        throw conflict('This booking is paid; cancel it with a refund instead', { status: booking.status });
      }
      if (!OpenBookingStatuses.includes(booking.status)) return { body: await bookingDetail(deps, params.id, user) };
      const reason = body.reason ?? 'released by the cinema';
      const handle = deps.temporal.workflow.getHandle(params.id);
      try {
        await handle.signal(cancelSignal, cancelMessage(reason, deps.clock.now()));
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
        throw conflict("The checkout's workflow is no longer running, so nothing can release its seats from here", {
          status: booking.status,
          workflowId: params.id,
        });
      }
      await audited(deps.ds, deps, input, { action: 'booking.release', resourceId: params.id, workflowId: params.id, changes: { status: { from: booking.status, to: 'CANCELLED' }, reason } });
      await decided(deps, params.id, OpenBookingStatuses, SETTLE_MS.release);
      const after = await bookingDetail(deps, params.id, user);
      return { status: OpenBookingStatuses.includes(after.status) ? 202 : 200, body: after };
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
    handler: async (input, deps) => {
      const { params, body } = input;
      const showtime = await showtimes.basics(deps.ds, params.id);
      if (!showtime) throw notFound('showtime', params.id);
      const reason = body.reason ?? 'showtime cancelled by the cinema';
      const cancelInput: CancelShowtimeInput = { showtimeId: params.id, reason };
      const workflowId = cancelShowtimeWorkflowId(deps.config.TASK_QUEUE, params.id);
      const handle = await deps.temporal.workflow.start<typeof cancelShowtimeWorkflow>('cancelShowtimeWorkflow', {
        workflowId,
        taskQueue: deps.config.TASK_QUEUE,
        args: [cancelInput],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      if (showtime.status === 'scheduled') {
        await audited(deps.ds, deps, input, { action: 'showtime.cancel', resourceId: params.id, workflowId, changes: { status: { from: 'scheduled', to: 'cancelled' }, reason } });
      }
      const result = await handle.result();
      return { body: { showtimeId: params.id, status: 'cancelled', checkoutsEnded: result.checkouts, bookingsRefunded: result.bookings } };
    },
  }),
];
