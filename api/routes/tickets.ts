import { AppError, notFound } from '../../core/errors.js';
import { checkIn, ticketedBooking, type ScannedTicket } from '../../db/tickets.js';
import { ticketsOf, verifyTicketCode, type Ticket } from '../../tickets/codes.js';
import { qrSvg, ticketsPdf } from '../../tickets/render.js';
import type { AuthUser } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { route } from '../route.js';
import { CheckoutIdParams } from '../schemas/checkout.js';
import { Admitted, CheckInBody, TicketParams } from '../schemas/tickets.js';
import { ownedBooking } from './checkouts.js';

/**
 * E-tickets (docs/tickets.md): the QR code of each ticket and a printable
 * PDF of all of them, for the booking's owner and admins (anyone else: 404,
 * as for the booking), and the check-in at the door, for staff.
 */

/** The tickets of a booking the user may see; a booking that is not CONFIRMED has none. */
async function visibleTickets(deps: AppDeps, bookingId: string, user: AuthUser): Promise<Ticket[]> {
  const booking = await ownedBooking(deps, bookingId, user);
  const tickets = ticketsOf(deps.config.TICKET_SECRET, { bookingId, status: booking.status, seats: booking.seats });
  if (tickets.length === 0) throw new AppError('NOT_FOUND', `Booking ${bookingId} has no tickets (it is ${booking.status})`, { status: booking.status });
  return tickets;
}

const PRIVATE = { 'Cache-Control': 'private, no-cache' };

const scannedView = (t: ScannedTicket) => ({
  seat: t.seat,
  showtime: { id: t.showtime.id, startsAt: t.showtime.startsAt.toISOString(), movie: t.showtime.movie, hall: t.showtime.hall },
  booking: t.booking,
});

export const ticketRoutes = [
  route({
    method: 'get',
    path: '/bookings/:id/tickets/:seatId.svg',
    summary: 'The QR code of one ticket (SVG)',
    tags: ['Tickets'],
    auth: 'user',
    params: TicketParams,
    responses: { 200: { description: 'The QR code, holding the ticket code', contentType: 'image/svg+xml' } },
    handler: async ({ params, user }, deps) => {
      const ticket = (await visibleTickets(deps, params.id, user)).find((t) => t.seatId === params.seatId);
      if (!ticket) throw notFound('ticket', `${params.id}/${params.seatId}`);
      return { headers: { 'Content-Type': 'image/svg+xml', ...PRIVATE }, body: await qrSvg(ticket.code) };
    },
  }),

  route({
    method: 'get',
    path: '/bookings/:id/tickets.pdf',
    summary: 'All tickets of a booking, printable (PDF, one page per ticket)',
    tags: ['Tickets'],
    auth: 'user',
    params: CheckoutIdParams,
    responses: { 200: { description: 'The tickets as a PDF', contentType: 'application/pdf' } },
    handler: async ({ params, user }, deps) => {
      const tickets = await visibleTickets(deps, params.id, user);
      const booking = await ticketedBooking(deps.ds, params.id);
      if (!booking) throw notFound('checkout', params.id);
      return {
        headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="tickets-${params.id}.pdf"`, ...PRIVATE },
        body: await ticketsPdf(booking, tickets, deps.config.CINEMA_TIME_ZONE),
      };
    },
  }),

  route({
    method: 'post',
    path: '/checkin',
    summary: 'Check a ticket in at the door (staff): admits each ticket once',
    tags: ['Tickets'],
    auth: 'staff',
    body: CheckInBody,
    responses: {
      200: { description: 'Admitted: the first scan of a valid ticket', schema: Admitted },
      404: { description: 'Unknown or forged code (UNKNOWN is NOT_FOUND)' },
      409: { description: 'ALREADY_CHECKED_IN: details.checkedInAt is when the first scan admitted it' },
      410: { description: 'TICKET_VOID: the booking was cancelled or refunded, or the showtime cancelled' },
    },
    handler: async ({ body, user }, deps) => {
      const ref = verifyTicketCode(deps.config.TICKET_SECRET, body.code);
      if (!ref) throw new AppError('NOT_FOUND', 'Unknown ticket code', { resource: 'ticket' });
      const result = await checkIn(deps.ds, { ...ref, staffId: user.id, now: deps.clock.now() });
      switch (result.outcome) {
        case 'unknown':
          throw new AppError('NOT_FOUND', 'Unknown ticket code', { resource: 'ticket' });
        case 'void': {
          const why = result.ticket.booking.status === 'CONFIRMED' ? 'the showtime was cancelled' : `the booking is ${result.ticket.booking.status}`;
          throw new AppError('TICKET_VOID', `This ticket admits no one: ${why}`, { ...scannedView(result.ticket), showtimeStatus: result.ticket.showtime.status });
        }
        case 'already':
          throw new AppError('ALREADY_CHECKED_IN', `Already checked in at ${result.checkedInAt.toISOString()}`, {
            checkedInAt: result.checkedInAt.toISOString(),
            ...scannedView(result.ticket),
          });
        case 'admitted':
          return { body: { status: 'admitted', checkedInAt: result.checkedInAt.toISOString(), ...scannedView(result.ticket) } };
      }
    },
  }),
];
