import { expect } from 'chai';
import { ticketCode, verifyTicketCode } from '../../../tickets/codes.js';
import { qrSvg } from '../../../tickets/render.js';
import { confirmedBooking } from '../../support/bookings.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { sharedMailCatcher } from '../../support/mail.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

interface TicketBody {
  seatId: number;
  label: string;
  code: string;
}

/** Pages a PDF has: its page objects (pdfkit writes them uncompressed). */
const pageCount = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

describe('e-tickets and their emails (real MySQL, Temporal, SMTP)', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  let bookingId: string;
  const mail = () => sharedMailCatcher();

  before(async () => {
    deps = await createTestDeps('tickets');
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
    [alice, bob, admin] = await Promise.all([createUser(deps), createUser(deps), createUser(deps, 'admin')]);
    bookingId = await confirmedBooking(api, alice, show.showtimeId, show.seatIds.slice(0, 2));
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const get = (user: TestUser, path: string) => api.request('GET', `/api/v1${path}`, { token: user.token });
  const raw = async (user: TestUser, path: string) => {
    const res = await fetch(`${api.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${user.token}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };

  it('a confirmed booking lists one signed ticket per seat, in GET /bookings/{id} and GET /bookings', async () => {
    const res = await get(alice, `/bookings/${bookingId}`);
    expect(res.status).to.equal(200);
    const tickets: TicketBody[] = res.body.tickets;
    expect(tickets.map((t) => t.label)).to.deep.equal(['A1', 'A2']);
    expect(tickets.map((t) => t.seatId)).to.deep.equal(show.seatIds.slice(0, 2));
    for (const t of tickets) {
      expect(t.code).to.match(/^T1[0-9A-HJKMNP-TV-Z]{49}$/);
      expect(verifyTicketCode(deps.config.TICKET_SECRET, t.code)).to.deep.equal({ bookingId, seatId: t.seatId });
    }
    expect(tickets[0]!.code).to.not.equal(tickets[1]!.code);
    const list = await get(alice, '/bookings');
    expect(list.body.items.find((b: { checkoutId: string }) => b.checkoutId === bookingId).tickets).to.deep.equal(tickets);
  });

  it('a booking that is not confirmed has no tickets', async () => {
    const held = await api.request('POST', '/api/v1/checkouts', { token: bob.token, body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[5]!] } });
    expect(held.status).to.equal(201);
    const res = await get(bob, `/bookings/${held.body.checkoutId}`);
    expect(res.body.status).to.equal('AWAITING_PAYMENT');
    expect(res.body.tickets).to.deep.equal([]);
    const svg = await get(bob, `/bookings/${held.body.checkoutId}/tickets/${show.seatIds[5]}.svg`);
    expect(svg.status).to.equal(404);
    await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: bob.token, body: {} });
  });

  it('serves each ticket’s QR code as SVG to the owner and admins only', async () => {
    const seatId = show.seatIds[1]!;
    const code = ticketCode(deps.config.TICKET_SECRET, { bookingId, seatId });
    const mine = await raw(alice, `/bookings/${bookingId}/tickets/${seatId}.svg`);
    expect(mine.status).to.equal(200);
    expect(mine.type).to.match(/^image\/svg\+xml/);
    expect(mine.body.toString()).to.equal(await qrSvg(code));
    expect((await raw(admin, `/bookings/${bookingId}/tickets/${seatId}.svg`)).status).to.equal(200);
    const other = await get(bob, `/bookings/${bookingId}/tickets/${seatId}.svg`);
    expect(other.status).to.equal(404);
    expect(other.body.error.code).to.equal('NOT_FOUND');
    expect((await get(alice, `/bookings/${bookingId}/tickets/${show.seatIds[7]}.svg`)).status).to.equal(404);
    expect((await get(alice, `/bookings/${bookingId}/tickets/abc.svg`)).status).to.equal(400);
  });

  it('serves all tickets as one printable PDF, a page per ticket', async () => {
    const pdf = await raw(alice, `/bookings/${bookingId}/tickets.pdf`);
    expect(pdf.status).to.equal(200);
    expect(pdf.type).to.equal('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(pageCount(pdf.body)).to.equal(2);
    expect((await get(bob, `/bookings/${bookingId}/tickets.pdf`)).status).to.equal(404);
  });

  it('emails the buyer once: QR images inline, the PDF and the calendar event attached', async () => {
    const [message, ...more] = await mail().waitFor(alice.email);
    expect(more).to.deep.equal([]);
    const parsed = await message!.parsed();
    expect(parsed.messageId).to.equal(`<booking_confirmed.${bookingId}@marquee.local>`);
    expect(parsed.subject).to.match(/^Your tickets: Test Movie/);
    const codes = (await get(alice, `/bookings/${bookingId}`)).body.tickets.map((t: TicketBody) => t.code);
    for (const code of codes) expect(parsed.text?.replace(/ /g, '')).to.include(code);
    // Each ticket names its seat and ticket type (bought without a choice: adult).
    expect(parsed.text).to.include('Seat A1 (Adult):');
    const byType = (t: string) => parsed.attachments.filter((a) => a.contentType === t);
    const pngs = byType('image/png');
    expect(pngs).to.have.length(2);
    for (const png of pngs) expect(parsed.html).to.include(`cid:${png.cid}`);
    const [pdf] = byType('application/pdf');
    expect(pdf?.filename).to.equal(`tickets-${bookingId}.pdf`);
    expect(pageCount(pdf!.content)).to.equal(2);
    const ics = parsed.attachments.find((a) => a.contentType.startsWith('application/ics') || a.contentType.startsWith('text/calendar'));
    expect(ics?.content.toString()).to.include('METHOD:PUBLISH').and.include(`UID:${bookingId}@marquee`);
    const [row] = await deps.ds.query("SELECT status, attempts, message_id FROM notifications WHERE booking_id = ? AND kind = 'booking_confirmed'", [bookingId]);
    expect(row).to.deep.include({ status: 'sent', attempts: 1, message_id: parsed.messageId });
  });

  it('a cancelled booking gets one cancellation email (the calendar event cancelled), and its tickets are void', async () => {
    const carol = await createUser(deps);
    const id = await confirmedBooking(api, carol, show.showtimeId, [show.seatIds[3]!]);
    await mail().waitFor(carol.email);
    const cancel = await api.request('POST', `/api/v1/bookings/${id}/cancel`, { token: carol.token, body: {} });
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(200);
    const received = await mail().waitFor(carol.email, 2);
    const parsed = await received[1]!.parsed();
    expect(parsed.messageId).to.equal(`<booking_refunded.${id}@marquee.local>`);
    expect(parsed.subject).to.match(/^Booking cancelled and refunded/);
    expect(parsed.text).to.include('$10.00 is refunded');
    const ics = parsed.attachments.find((a) => /calendar|ics/.test(a.contentType));
    expect(ics?.content.toString()).to.include('METHOD:CANCEL').and.include(`UID:${id}@marquee`);
    const rows = await eventually(async () => {
      const r: { kind: string; status: string }[] = await deps.ds.query('SELECT kind, status FROM notifications WHERE booking_id = ? ORDER BY kind', [id]);
      return r.every((n) => n.status === 'sent') ? r : undefined;
    });
    expect(rows).to.deep.equal([
      { kind: 'booking_confirmed', status: 'sent' },
      { kind: 'booking_refunded', status: 'sent' },
    ]);
    expect((await get(carol, `/bookings/${id}`)).body.tickets).to.deep.equal([]);
    expect(await mail().to(carol.email)).to.have.length(2);
  });
});
