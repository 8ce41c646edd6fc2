import { crc32, deflateSync } from 'node:zlib';
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

/** A PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The QR code as a black-and-white PNG of one bit per pixel, `scale` pixels
 * a module (mail clients do not show SVG). Written here from the code's
 * module matrix because qrcode's PNG renderer (pngjs) only writes 8-bit
 * RGBA: for a two-colour picture that was 32 times the pixel data to build,
 * filter and compress, and most of a confirmation email's CPU. Each module
 * row is built once and repeated `scale` times; filter type 0 (none) per row.
 */
export function qrPng(code: string, scale = 8): Buffer {
  const { modules } = QRCode.create(code, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const side = (modules.size + 2 * QR_OPTIONS.margin) * scale;
  const rowBytes = 1 + Math.ceil(side / 8);
  const image = Buffer.alloc(rowBytes * side);
  for (let my = -QR_OPTIONS.margin; my < modules.size + QR_OPTIONS.margin; my++) {
    const row = Buffer.alloc(rowBytes);
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - QR_OPTIONS.margin;
      const dark = my >= 0 && my < modules.size && mx >= 0 && mx < modules.size && modules.get(my, mx) === 1;
      // Grey, one bit: 1 is white.
      if (!dark) row[1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
    const y0 = (my + QR_OPTIONS.margin) * scale;
    for (let k = 0; k < scale; k++) row.copy(image, (y0 + k) * rowBytes);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grey, deflate, the standard filter method, not interlaced
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(image)), pngChunk('IEND', Buffer.alloc(0))]);
}

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
  const pngs = qrPngs ?? tickets.map((t) => qrPng(t.code));
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
