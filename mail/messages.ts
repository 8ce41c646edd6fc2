import { TicketTypeNames } from '../core/pricing.js';
import type { TicketedBooking } from '../db/tickets.js';
import { bookingEvent } from '../tickets/calendar.js';
import { spacedCode, type Ticket } from '../tickets/codes.js';
import { qrPng, ticketsPdf } from '../tickets/render.js';
import { moneyText, showtimeText } from '../tickets/wording.js';
import { composeMail, type ComposedMail } from './transport.js';

/**
 * The customer's emails: the confirmation (tickets inline as QR images, all
 * of them in one PDF, and the showtime as a calendar event) and the
 * cancellation. Each has a Message-ID derived from the booking and kind, so
 * every copy of one message, however it came about, is the same message to
 * a mail client.
 */

export interface MessageSettings {
  /** The From header, e.g. `Marquee <tickets@marquee.local>`. */
  from: string;
  timeZone: string;
  /** Where customers reach the site (PUBLIC_URL), for links. */
  publicUrl: string;
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The domain of the From address, for Message-IDs. */
const domainOf = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'marquee.local';

/** The Message-ID of a kind of message about one booking or waitlist entry. */
export const messageIdOf = (kind: string, subjectId: string, from: string): string => `<${kind}.${subjectId}@${domainOf(from)}>`;

const recipient = (b: TicketedBooking) => ({ name: b.user.name, address: b.user.email });

/** "A1 (Child)": the seat and its ticket type. */
const seatAndType = (b: TicketedBooking, t: Ticket): string => {
  const type = b.seats.find((s) => s.id === t.seatId)?.ticketType;
  return type ? `${t.label} (${TicketTypeNames[type]})` : t.label;
};

export async function confirmationMail(b: TicketedBooking, tickets: Ticket[], s: MessageSettings): Promise<ComposedMail> {
  const when = showtimeText(b.showtime.startsAt, s.timeZone);
  // Each QR code is drawn once, for the inline images and the PDF: it is most of the email's CPU.
  const pngs = tickets.map((t) => qrPng(t.code));
  const pdf = await ticketsPdf(b, tickets, s.timeZone, pngs);
  const cid = (t: Ticket) => `ticket-${t.seatId}.${b.bookingId}@marquee`;
  const text = [
    `Hello ${b.user.name},`,
    '',
    `your booking is confirmed: ${b.movie.title}, ${when}, ${b.hall.name}.`,
    `Total paid: ${moneyText(b.amount, b.currency)}. Booking ${b.bookingId}.`,
    '',
    'Your tickets (show the QR code at the door, or read out the code; each admits one person once):',
    ...tickets.map((t) => `  Seat ${seatAndType(b, t)}: ${spacedCode(t.code)}`),
    '',
    'All tickets are attached as a PDF, and the showtime as a calendar event.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body>
<p>Hello ${escapeHtml(b.user.name)},</p>
<p>your booking is confirmed: <strong>${escapeHtml(b.movie.title)}</strong>, ${escapeHtml(when)}, ${escapeHtml(b.hall.name)}.<br>
Total paid: ${escapeHtml(moneyText(b.amount, b.currency))}. Booking ${escapeHtml(b.bookingId)}.</p>
${tickets
  .map(
    (t) => `<div><h2>Seat ${escapeHtml(seatAndType(b, t))}</h2>
<img src="cid:${cid(t)}" width="232" height="232" alt="QR code of the ticket for seat ${escapeHtml(t.label)}">
<p><code>${escapeHtml(spacedCode(t.code))}</code></p></div>`,
  )
  .join('\n')}
<p>Show the QR code at the door; each ticket admits one person once. All tickets are attached as a PDF.</p>
</body></html>`;
  return composeMail({
    from: s.from,
    to: recipient(b),
    subject: `Your tickets: ${b.movie.title}, ${when}`,
    messageId: messageIdOf('booking_confirmed', b.bookingId, s.from),
    text,
    html,
    icalEvent: { filename: 'showtime.ics', method: 'PUBLISH', content: bookingEvent(b, 'confirmed') },
    attachments: [
      ...tickets.map((t, i) => ({ filename: `ticket-${t.label}.png`, content: pngs[i]!, contentType: 'image/png', cid: cid(t) })),
      { filename: `tickets-${b.bookingId}.pdf`, content: pdf, contentType: 'application/pdf' },
    ],
  });
}

export function cancellationMail(b: TicketedBooking, s: MessageSettings): Promise<ComposedMail> {
  const when = showtimeText(b.showtime.startsAt, s.timeZone);
  const seats = b.seats.map((x) => x.label).join(', ');
  const refunded = moneyText(b.amount, b.currency);
  const reason = b.reason ?? 'cancelled';
  const text = [
    `Hello ${b.user.name},`,
    '',
    `your booking ${b.bookingId} for ${b.movie.title}, ${when}, ${b.hall.name} (seats ${seats}) is cancelled: ${reason}.`,
    `${refunded} is refunded to the card you paid with. Its tickets no longer admit anyone.`,
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body>
<p>Hello ${escapeHtml(b.user.name)},</p>
<p>your booking ${escapeHtml(b.bookingId)} for <strong>${escapeHtml(b.movie.title)}</strong>, ${escapeHtml(when)}, ${escapeHtml(b.hall.name)}
(seats ${escapeHtml(seats)}) is cancelled: ${escapeHtml(reason)}.</p>
<p>${escapeHtml(refunded)} is refunded to the card you paid with. Its tickets no longer admit anyone.</p>
</body></html>`;
  return composeMail({
    from: s.from,
    to: recipient(b),
    subject: `Booking cancelled and refunded: ${b.movie.title}, ${when}`,
    messageId: messageIdOf('booking_refunded', b.bookingId, s.from),
    text,
    html,
    icalEvent: { filename: 'showtime.ics', method: 'CANCEL', content: bookingEvent(b, 'cancelled') },
  });
}
