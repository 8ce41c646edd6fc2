import { createEvent } from 'ics';
import type { TicketedBooking } from '../db/tickets.js';

/**
 * The booking as a calendar event (.ics). Its UID is the booking's, so the
 * cancellation's event (METHOD:CANCEL, a higher SEQUENCE) removes the one the
 * confirmation added in calendars that honour it.
 */
export function bookingEvent(booking: TicketedBooking, state: 'confirmed' | 'cancelled'): string {
  const seats = booking.seats.map((s) => s.label).join(', ');
  const { error, value } = createEvent({
    productId: 'marquee/tickets',
    uid: `${booking.bookingId}@marquee`,
    method: state === 'confirmed' ? 'PUBLISH' : 'CANCEL',
    status: state === 'confirmed' ? 'CONFIRMED' : 'CANCELLED',
    sequence: state === 'confirmed' ? 0 : 1,
    title: `${booking.movie.title} (${booking.hall.name})`,
    description: `Seats ${seats}. Booking ${booking.bookingId}.`,
    location: booking.hall.name,
    start: booking.showtime.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: booking.movie.runtimeMin },
  });
  if (error || !value) throw error ?? new Error('calendar event could not be written');
  return value;
}
