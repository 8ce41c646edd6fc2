import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHECKOUT_ID, CROCKFORD, toCrockford } from '../core/ids.js';

/**
 * Ticket codes (docs/tickets.md): `T1`, the booking's 26 characters, the
 * show seat id in 7, and 16 characters of HMAC-SHA256 over the rest, keyed by
 * TICKET_SECRET. 51 characters of Crockford base 32, which a QR code holds in
 * its compact alphanumeric mode (version 3, 29 × 29 modules) and a person can
 * type. A code is checked by computing its signature again: no lookup, and a
 * forged or mistyped one is refused before any database is asked.
 */

const VERSION = 'T1';
const BOOKING_CHARS = 26;
const SEAT_CHARS = 7;
const MAC_BYTES = 10;
const MAC_CHARS = 16;
export const TICKET_CODE_LENGTH = VERSION.length + BOOKING_CHARS + SEAT_CHARS + MAC_CHARS;
const MAX_SEAT_ID = 32 ** SEAT_CHARS - 1;

export interface TicketRef {
  bookingId: string;
  seatId: number;
}

function signature(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES);
}

function macText(mac: Buffer): string {
  return toCrockford(BigInt(`0x${mac.toString('hex')}`), MAC_CHARS);
}

export function ticketCode(secret: string, t: TicketRef): string {
  if (!CHECKOUT_ID.test(t.bookingId)) throw new Error(`not a booking id: ${t.bookingId}`);
  if (!Number.isSafeInteger(t.seatId) || t.seatId < 1 || t.seatId > MAX_SEAT_ID) throw new Error(`seat id out of range: ${t.seatId}`);
  const body = VERSION + t.bookingId.slice('chk_'.length) + toCrockford(BigInt(t.seatId), SEAT_CHARS);
  return body + macText(signature(secret, body));
}

/** What a person may type: any case, spaces and dashes between groups, and O/I/L for 0/1 (Crockford's reading rules). */
export function normalizeCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

const SHAPE = new RegExp(`^${VERSION}[${CROCKFORD}]{${BOOKING_CHARS + SEAT_CHARS + MAC_CHARS}}$`);

/** The ticket a code names, or null when it is malformed or its signature is not ours. */
export function verifyTicketCode(secret: string, input: string): TicketRef | null {
  const code = normalizeCode(input);
  if (!SHAPE.test(code)) return null;
  const body = code.slice(0, -MAC_CHARS);
  const expected = Buffer.from(macText(signature(secret, body)));
  if (!timingSafeEqual(expected, Buffer.from(code.slice(-MAC_CHARS)))) return null;
  const seatChars = body.slice(-SEAT_CHARS);
  let seatId = 0;
  for (const c of seatChars) seatId = seatId * 32 + CROCKFORD.indexOf(c);
  if (seatId < 1) return null;
  return { bookingId: `chk_${body.slice(VERSION.length, VERSION.length + BOOKING_CHARS)}`, seatId };
}

/** A ticket as the API and the documents show it: a seat of a confirmed booking and its signed code. */
export interface Ticket {
  seatId: number;
  label: string;
  code: string;
}

/** A booking's tickets: one per seat once it is CONFIRMED, none before or after. */
export function ticketsOf(secret: string, booking: { bookingId: string; status: string; seats: { id: number; label: string }[] }): Ticket[] {
  if (booking.status !== 'CONFIRMED') return [];
  return booking.seats.map((s) => ({ seatId: s.id, label: s.label, code: ticketCode(secret, { bookingId: booking.bookingId, seatId: s.id }) }));
}

/** The code in groups of four, as printed under a QR code for reading aloud or typing. */
export const spacedCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ');
