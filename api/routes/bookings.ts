import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { conflict } from '../../core/errors.js';
import { cancelBookingWorkflowId, type CancelBookingInput } from '../../workflows/contracts.js';
import { route } from '../route.js';
import { page } from '../schemas/common.js';
import { Booking, BookingListQuery, CancelBody, CheckoutIdParams } from '../schemas/checkout.js';
import { findBookings } from '../../db/bookings.js';
import { ownedBooking, settle } from './checkouts.js';

const TAGS = ['Bookings'];

const publicBooking = <T extends { userId: number }>({ userId: _userId, ...b }: T) => b;

export const bookingRoutes = [
  route({
    method: 'get',
    path: '/bookings',
    summary: 'My bookings, newest first',
    tags: TAGS,
    auth: 'user',
    query: BookingListQuery,
    responses: { 200: { description: 'A page of bookings', schema: page(Booking) } },
    handler: async ({ query, user }, deps) => {
      const { items, total } = await findBookings(deps.ds, deps.config, { userId: user.id, ...query });
      return { body: { items: items.map(publicBooking), total, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/bookings/:id',
    summary: 'One of my bookings (admins: anyone’s)',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    responses: { 200: { description: 'The booking', schema: Booking } },
    handler: async ({ params, user }, deps) => ({ body: publicBooking(await ownedBooking(deps, params.id, user)) }),
  }),

  route({
    method: 'post',
    path: '/bookings/:id/cancel',
    summary: 'Cancel a confirmed booking before the cut-off: refund and release the seats',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    body: CancelBody,
    responses: {
      200: { description: 'Refunded (or already refunded)', schema: Booking },
      202: { description: 'Cancellation accepted, refund in progress', schema: Booking },
      409: { description: 'Not a confirmed booking, or past the cancellation cut-off' },
    },
    handler: async ({ params, body, user }, deps) => {
      const booking = await ownedBooking(deps, params.id, user);
      if (booking.status === 'REFUNDED') return { body: publicBooking(booking) };
      if (booking.status !== 'CONFIRMED') throw conflict('Only confirmed bookings can be cancelled', { status: booking.status });
      if (deps.clock.now().toISOString() >= booking.cancellableUntil!) {
        throw conflict('Too late to cancel: the cut-off before the showtime has passed', { cancellableUntil: booking.cancellableUntil });
      }
      const input: CancelBookingInput = { bookingId: params.id, reason: body.reason ?? 'cancelled by customer' };
      const handle = await deps.temporal.workflow.start('cancelBookingWorkflow', {
        workflowId: cancelBookingWorkflowId(params.id),
        taskQueue: deps.config.TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await settle(handle, 10_000);
      const after = await ownedBooking(deps, params.id, user);
      return { status: after.status === 'REFUNDED' ? 200 : 202, body: publicBooking(after) };
    },
  }),
];
