import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { TicketTypeNames } from '../core/pricing.js';
import type { TicketedBooking } from '../db/tickets.js';
import { spacedCode, type Ticket } from './codes.js';
import { moneyText, showtimeText } from './wording.js';

/**
 * Every picture and document of a ticket, for the API endpoints and the
 * emails alike: the QR code as SVG (pages) and PNG (mail clients do not show
 * SVG), and one printable PDF with a page per ticket.
 */

// M: a phone still reads the code with 15% of it smudged or folded.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export const qrSvg = (code: string): Promise<string> => QRCode.toString(code, { ...QR_OPTIONS, type: 'svg' });

/**
 * pngjs options (qrcode passes them through): each row of modules repeats
 * `scale` times, so the Up filter turns most rows into zeros. The default,
 * adaptive filtering, tries all five filters on every row; that was most of a
 * confirmation email's CPU, for a larger file. Grey without alpha: pdfkit then
 * embeds the compressed image as it is, instead of decoding it to split off
 * an alpha channel.
 */
const PNG_RENDERER = { filterType: 2, deflateStrategy: 0, colorType: 0 };

export const qrPng = (code: string, scale = 8): Promise<Buffer> => QRCode.toBuffer(code, { ...QR_OPTIONS, type: 'png', scale, rendererOpts: PNG_RENDERER });

/** The PDF: one A6 page per ticket, the QR code large, everything an usher or a customer reads beside it; `qrPngs` when the caller drew the codes already (qrPng, in ticket order). */
export async function ticketsPdf(booking: TicketedBooking, tickets: Ticket[], timeZone: string, qrPngs?: Buffer[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A6',
    margin: 24,
    autoFirstPage: false,
    info: { Title: `Tickets ${booking.bookingId}`, Author: 'Marquee', Subject: booking.movie.title },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const pngs = qrPngs ?? (await Promise.all(tickets.map((t) => qrPng(t.code))));
  const seatOf = new Map(booking.seats.map((s) => [s.id, s]));
  tickets.forEach((t, i) => {
    doc.addPage();
    const width = doc.page.width - 48;
    const seat = seatOf.get(t.seatId);
    doc.font('Helvetica').fontSize(8).fillColor('#555555').text(`MARQUEE E-TICKET  ${i + 1} / ${tickets.length}`, { width });
    doc.moveDown(0.4).font('Helvetica-Bold').fontSize(15).fillColor('#000000').text(booking.movie.title, { width });
    doc.font('Helvetica').fontSize(10).text(showtimeText(booking.showtime.startsAt, timeZone), { width });
    doc.text(booking.hall.name, { width });
    doc.moveDown(0.3).font('Helvetica-Bold').fontSize(22).text(`Seat ${t.label}`, { width });
    if (seat) doc.font('Helvetica').fontSize(9).text(`${TicketTypeNames[seat.ticketType]} · ${seat.type} · ${moneyText(seat.price, booking.currency)}`, { width });
    const size = 150;
    doc.image(pngs[i]!, 24 + (width - size) / 2, doc.y + 8, { width: size, height: size });
    doc.y += size + 16;
    doc.font('Courier').fontSize(8).text(spacedCode(t.code), { width, align: 'center' });
    doc.moveDown(0.5).font('Helvetica').fontSize(7).fillColor('#555555');
    doc.text(`Booking ${booking.bookingId} · ${booking.user.name}. Show this code at the door; it admits one person once.`, { width, align: 'center' });
  });
  doc.end();
  return done;
}
