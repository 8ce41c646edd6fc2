import { expect } from 'chai';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { normalizeCode, spacedCode, TICKET_CODE_LENGTH, ticketCode, ticketsOf, verifyTicketCode } from '../../tickets/codes.js';
import { qrPng } from '../../tickets/render.js';

// jsqr's typings describe an ES module; Node hands its CommonJS export over as the default.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const SECRET = 'unit-ticket-secret-unit-ticket-secret-01';
const BOOKING = 'chk_01JD3Z6R8W5X4V2T1S0Q9P8N7M';

describe('ticket codes', () => {
  it('encode the booking and seat, signed, in 51 characters of Crockford base 32', () => {
    const code = ticketCode(SECRET, { bookingId: BOOKING, seatId: 1234 });
    expect(code).to.have.length(TICKET_CODE_LENGTH).and.match(/^T1[0-9A-HJKMNP-TV-Z]+$/);
    expect(code.slice(2, 28)).to.equal(BOOKING.slice(4));
    expect(verifyTicketCode(SECRET, code)).to.deep.equal({ bookingId: BOOKING, seatId: 1234 });
  });

  it('differ for every seat and booking, and for every secret', () => {
    const codes = new Set([
      ticketCode(SECRET, { bookingId: BOOKING, seatId: 1 }),
      ticketCode(SECRET, { bookingId: BOOKING, seatId: 2 }),
      ticketCode(SECRET, { bookingId: 'chk_01JD3Z6R8W5X4V2T1S0Q9P8N7N', seatId: 1 }),
      ticketCode(`${SECRET}x`, { bookingId: BOOKING, seatId: 1 }),
    ]);
    expect(codes.size).to.equal(4);
  });

  it('refuse a code whose signature, booking or seat was changed, or that another secret signed', () => {
    const code = ticketCode(SECRET, { bookingId: BOOKING, seatId: 77 });
    const swap = (i: number) => code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    for (const i of [5, 30, code.length - 1]) expect(verifyTicketCode(SECRET, swap(i)), `position ${i}`).to.equal(null);
    expect(verifyTicketCode('another-secret-another-secret-another-00', code)).to.equal(null);
    expect(verifyTicketCode(SECRET, code.slice(0, -1))).to.equal(null);
    expect(verifyTicketCode(SECRET, `${code}0`)).to.equal(null);
    expect(verifyTicketCode(SECRET, '')).to.equal(null);
  });

  it('read as a person types them: any case, groups, and O, I, L for 0, 1, 1', () => {
    const code = ticketCode(SECRET, { bookingId: BOOKING, seatId: 5 });
    expect(normalizeCode(spacedCode(code).toLowerCase())).to.equal(code);
    expect(verifyTicketCode(SECRET, spacedCode(code).replace(/0/g, 'O').replace(/1/g, 'l'))).to.deep.equal({ bookingId: BOOKING, seatId: 5 });
  });

  it('exist only for a confirmed booking, one per seat', () => {
    const seats = [
      { id: 3, label: 'A3' },
      { id: 4, label: 'A4' },
    ];
    expect(ticketsOf(SECRET, { bookingId: BOOKING, status: 'CONFIRMED', seats }).map((t) => t.label)).to.deep.equal(['A3', 'A4']);
    for (const status of ['AWAITING_PAYMENT', 'REFUNDED', 'CANCELLED']) expect(ticketsOf(SECRET, { bookingId: BOOKING, status, seats })).to.deep.equal([]);
  });
});

describe('ticket QR codes', () => {
  it('hold the code in alphanumeric mode, small enough for a phone (version 3, 29 × 29)', () => {
    const qr = QRCode.create(ticketCode(SECRET, { bookingId: BOOKING, seatId: 99 }), { errorCorrectionLevel: 'M' });
    expect(qr.version).to.equal(3);
    expect(qr.segments.map((s) => s.mode.id)).to.deep.equal(['Alphanumeric']);
  });

  it('decode (as a scanner reads the PNG) to exactly the ticket code', async () => {
    const code = ticketCode(SECRET, { bookingId: BOOKING, seatId: 4321 });
    const png = PNG.sync.read(await qrPng(code));
    const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(read?.data).to.equal(code);
  });
});
