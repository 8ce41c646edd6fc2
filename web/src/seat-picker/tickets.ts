/**
 * The tickets of a confirmed booking on "My bookings": each seat's QR code
 * with its code written out (to read to an usher), and the PDF of all of
 * them. The images and the PDF come from the API with the user's token, so
 * they are fetched, not linked: a plain link or <img src> cannot carry it.
 */
import { errorText } from '../lib/api.js';
import type { Ticket, TicketedBooking } from '../lib/api-types.js';
import { el, saveFile } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { api } from './session.js';

/** The code in groups of four, as the PDF and the email print it. */
export const spacedCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ');

const dataUrlOf = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });

function ticketFigure(b: TicketedBooking, t: Ticket): HTMLElement {
  const type = b.lines.find((l) => l.seatId === t.seatId)?.ticketTypeName;
  const img = el('img', { class: 'qr', attrs: { alt: `QR code of the ticket for seat ${t.label}`, width: 180, height: 180 } });
  void api.ticketQr(b.checkoutId, t.seatId).then(async (r) => {
    if (r.ok) img.src = await dataUrlOf(r.body.blob);
    else img.alt = `The QR code for seat ${t.label} could not be loaded: ${errorText(r)}`;
  });
  return el(
    'figure',
    { class: 'ticket', attrs: { 'data-seat-id': t.seatId } },
    img,
    el('figcaption', {}, el('strong', { text: `Seat ${t.label}` }), type ? el('span', { class: 'ticket-type', text: type }) : null, el('code', { class: 'ticket-code', text: spacedCode(t.code) })),
  );
}

async function downloadPdf(b: TicketedBooking): Promise<void> {
  const r = await api.ticketsPdf(b.checkoutId);
  if (!r.ok) return notice(errorText(r), 'error');
  saveFile(r.body.blob, `tickets-${b.checkoutId}.pdf`);
}

/** The booking's tickets, or null while it has none (not confirmed, or refunded). */
export function ticketsSection(b: TicketedBooking): HTMLElement | null {
  if (b.tickets.length === 0) return null;
  return el(
    'section',
    { class: 'tickets', attrs: { 'aria-label': `Tickets for ${b.movie.title}` } },
    el('p', { class: 'muted', text: 'Show a code at the door: each admits one person once.' }),
    el('div', { class: 'ticket-grid' }, ...b.tickets.map((t) => ticketFigure(b, t))),
    el('button', { text: 'Download tickets (PDF)', attrs: { type: 'button', 'data-action': 'tickets-pdf' }, on: { click: () => void downloadPdf(b) } }),
  );
}
