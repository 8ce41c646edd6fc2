import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { conflict } from '../../core/errors.js';
import { cancelBookingWorkflowId, type CancelBookingInput } from '../../workflows/contracts.js';
import { route } from '../route.js';
import { page } from '../schemas/common.js';
import { Booking, BookingListQuery, CancelBody, CheckoutIdParams } from '../schemas/checkout.js';
import { findBookings, type BookingView } from '../../db/bookings.js';
import { ticketsOf } from '../../tickets/codes.js';
import { TicketedBooking } from '../schemas/tickets.js';
import { ownedBooking } from './checkouts.js';
import { decided } from '../settle.js';

const TAGS = ['Bookings'];

const publicBooking = <T extends { userId: number }>({ userId: _userId, ...b }: T) => b;

/** The booking with its tickets (one per seat, each with its signed code, once CONFIRMED). */
const withTickets = (b: BookingView, secret: string) => ({
  ...publicBooking(b),
  tickets: ticketsOf(secret, { bookingId: b.checkoutId, status: b.status, seats: b.seats }),
});

export const bookingRoutes = [
  route({
    method: 'get',
    path: '/bookings',
    summary: 'My bookings, newest first',
    tags: TAGS,
    auth: 'user',
    query: BookingListQuery,
    responses: { 200: { description: 'A page of bookings, each with its tickets', schema: page(TicketedBooking) } },
    handler: async ({ query, user }, deps) => {
      const { items, total } = await findBookings(deps.ds, deps.config, { userId: user.id, ...query });
      return { body: { items: items.map((b) => withTickets(b, deps.config.TICKET_SECRET)), total, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/bookings/:id',
    summary: 'One of my bookings (admins: anyone’s)',
    tags: TAGS,
    auth: 'user',
    params: CheckoutIdParams,
    responses: { 200: { description: 'The booking, with one ticket per seat once CONFIRMED', schema: TicketedBooking } },
    handler: async ({ params, user }, deps) => ({ body: withTickets(await ownedBooking(deps, params.id, user), deps.config.TICKET_SECRET) }),
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
      await deps.temporal.workflow.start('cancelBookingWorkflow', {
        workflowId: cancelBookingWorkflowId(params.id),
        taskQueue: deps.config.TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await decided(deps, params.id, ['CONFIRMED'], 10_000);
      const after = await ownedBooking(deps, params.id, user);
      return { status: after.status === 'REFUNDED' ? 200 : 202, body: publicBooking(after) };
    },
  }),
];
