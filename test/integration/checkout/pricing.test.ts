import { expect } from 'chai';
import { checkoutIdForKey } from '../../../core/ids.js';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, workflowStarted, type TestWorker } from '../../support/worker.js';

/**
 * Prices by ticket type, end to end against real MariaDB and Temporal: the
 * hold prices each seat as its type, the booking records the lines, the
 * payment intent asks for their sum, and the booking shows them.
 * Defaults (the migration): child 70 %, senior 80 %, student 85 % of the adult price.
 */
describe('ticket types: prices by type from the hold to the payment (real MySQL, real Temporal)', function () {
  this.timeout(90_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let admin: TestUser;

  before(async () => {
    // Its customers keep checkouts open from test to test; the open-checkout limits have tests of their own.
    deps = await createTestDeps('pricing', { config: { HOLD_TTL_SECONDS: '60', MAX_OPEN_CHECKOUTS_PER_USER: '100', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    // Rows A regular (1000), B premium (1300), C vip (1600).
    show = await createShowtime(deps.ds, { basePrice: 1000 });
    [alice, admin] = [await createUser(deps), await createUser(deps, 'admin')];
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const post = (path: string, user: TestUser, body: unknown, headers: Record<string, string> = {}) =>
    api.request('POST', `/api/v1${path}`, { token: user.token, body, headers });
  const seat = (row: 'A' | 'B' | 'C', n: number) => show.seatIds[(row.charCodeAt(0) - 65) * 8 + n - 1]!;
  const snapshot = async () => ({
    bookings: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM bookings'))[0].n),
    lines: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM booking_seats'))[0].n),
    held: Number((await deps.ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE status <> 'available'"))[0].n),
  });
  const lineRows = async (bookingId: string) =>
    (
      await deps.ds.query('SELECT show_seat_id, ticket_type, price, discount FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [bookingId])
    ).map((r: { show_seat_id: number; ticket_type: string; price: number; discount: number }) => [Number(r.show_seat_id), r.ticket_type, r.price, r.discount]);

  it('GET /showtimes/:id lists the ticket types on sale with their price per seat type', async () => {
    const res = await api.request('GET', `/api/v1/showtimes/${show.showtimeId}`);
    expect(res.status).to.equal(200);
    expect(res.body.ticketTypes).to.deep.equal([
      { code: 'adult', name: 'Adult', prices: { regular: 1000, premium: 1300, vip: 1600, accessible: 1000, companion: 1000 } },
      { code: 'child', name: 'Child', prices: { regular: 700, premium: 910, vip: 1120, accessible: 700, companion: 700 } },
      { code: 'senior', name: 'Senior', prices: { regular: 800, premium: 1040, vip: 1280, accessible: 800, companion: 800 } },
      { code: 'student', name: 'Student', prices: { regular: 850, premium: 1105, vip: 1360, accessible: 850, companion: 850 } },
    ]);
  });

  it('holds each seat at its type’s price, records the lines, asks the payment for their sum, and the booking shows them', async () => {
    const seats = [seat('A', 1), seat('A', 2), seat('B', 1), seat('C', 1)];
    const held = await post('/checkouts', alice, {
      showtimeId: show.showtimeId,
      seatIds: seats,
      ticketTypes: { [seats[0]!]: 'child', [seats[1]!]: 'adult', [seats[2]!]: 'senior', [seats[3]!]: 'student' },
    });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);
    const expected = [
      { seatId: seats[0], label: 'A1', seatType: 'regular', ticketType: 'child', ticketTypeName: 'Child', price: 700, discount: 0, amount: 700 },
      { seatId: seats[1], label: 'A2', seatType: 'regular', ticketType: 'adult', ticketTypeName: 'Adult', price: 1000, discount: 0, amount: 1000 },
      { seatId: seats[2], label: 'B1', seatType: 'premium', ticketType: 'senior', ticketTypeName: 'Senior', price: 1040, discount: 0, amount: 1040 },
      { seatId: seats[3], label: 'C1', seatType: 'vip', ticketType: 'student', ticketTypeName: 'Student', price: 1360, discount: 0, amount: 1360 },
    ];
    expect(held.body.lines).to.deep.equal(expected);
    expect(held.body).to.include({ amount: 4100, discount: null });
    expect(held.body.seats.map((s: { price: number }) => s.price)).to.deep.equal([700, 1000, 1040, 1360]);
    const { checkoutId } = held.body;
    expect(await lineRows(checkoutId)).to.deep.equal([
      [seats[0], 'child', 700, 0],
      [seats[1], 'adult', 1000, 0],
      [seats[2], 'senior', 1040, 0],
      [seats[3], 'student', 1360, 0],
    ]);
    const [row] = await deps.ds.query('SELECT amount, discount, promo_code FROM bookings WHERE id = ?', [checkoutId]);
    expect(row).to.deep.equal({ amount: 4100, discount: 0, promo_code: null });
    const intent = await deps.payments.getIntent(held.body.payment.intentId);
    expect(intent.amount, 'the payment asks for the lines’ sum').to.equal(4100);

    const paid = await post(`/checkouts/${checkoutId}/pay`, alice, { card: MOCK_CARDS.succeeds });
    expect(paid.status).to.equal(200);
    expect(paid.body).to.include({ status: 'CONFIRMED', amount: 4100 });
    const booking = await api.request('GET', `/api/v1/bookings/${checkoutId}`, { token: alice.token });
    expect(booking.body.lines).to.deep.equal(expected);
    expect(booking.body.tickets).to.have.length(4);
    const listed = await api.request('GET', '/api/v1/bookings?status=CONFIRMED', { token: alice.token });
    expect(listed.body.items.find((b: { checkoutId: string }) => b.checkoutId === checkoutId).lines).to.deep.equal(expected);
  });

  it('best available takes ticket counts: the chosen seats in id order get the types in list order, the rest adult', async () => {
    const held = await post('/checkouts', alice, { showtimeId: show.showtimeId, bestAvailable: { count: 3, seatType: 'vip' }, ticketCounts: { senior: 1, child: 1 } });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);
    const lines = held.body.lines as { seatId: number; ticketType: string; price: number }[];
    expect(lines.map((l) => l.seatId)).to.deep.equal([...lines.map((l) => l.seatId)].sort((a, b) => a - b));
    expect(lines.map((l) => [l.ticketType, l.price])).to.deep.equal([
      ['child', 1120],
      ['senior', 1280],
      ['adult', 1600],
    ]);
    expect(held.body.amount).to.equal(4000);
    expect((await deps.payments.getIntent(held.body.payment.intentId)).amount).to.equal(4000);
  });

  it('a showtime’s own rules price its seats; a type it does not sell is refused before any workflow starts', async () => {
    const own = await createShowtime(deps.ds, { basePrice: 1000 });
    const put = await api.request('PUT', `/api/v1/admin/showtimes/${own.showtimeId}/ticket-types`, {
      token: admin.token,
      body: { overrides: [{ code: 'child', rules: { regular: { kind: 'fixed', value: 500 } } }, { code: 'student', onSale: false }] },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const listed = await api.request('GET', `/api/v1/showtimes/${own.showtimeId}`);
    expect(listed.body.ticketTypes.map((t: { code: string }) => t.code)).to.deep.equal(['adult', 'child', 'senior']);
    expect(listed.body.ticketTypes[1].prices).to.include({ regular: 500, premium: 910 });

    const held = await post('/checkouts', alice, { showtimeId: own.showtimeId, seatIds: [own.seatIds[0]!, own.seatIds[8]!], ticketTypes: { [own.seatIds[0]!]: 'child', [own.seatIds[8]!]: 'child' } });
    expect(held.status).to.equal(201);
    expect(held.body.lines.map((l: { price: number }) => l.price)).to.deep.equal([500, 910]);

    const before = await snapshot();
    const key = 'student-not-on-sale';
    const refused = await post('/checkouts', alice, { showtimeId: own.showtimeId, seatIds: [own.seatIds[1]!], ticketTypes: { [own.seatIds[1]!]: 'student' } }, { 'Idempotency-Key': key });
    expect(refused.status).to.equal(422);
    expect(refused.body.error).to.deep.include({ code: 'UNPROCESSABLE', details: { reason: 'ticket-type-not-on-sale', ticketTypes: ['student'] } });
    expect(await snapshot()).to.deep.equal(before);
    expect(await workflowStarted(deps, checkoutIdForKey(alice.id, key)), 'refused before any workflow started').to.equal(false);
    // The other showtimes keep the defaults.
    const other = await api.request('GET', `/api/v1/showtimes/${show.showtimeId}`);
    expect(other.body.ticketTypes[1].prices.regular).to.equal(700);
  });

  it('a change to the default set prices the holds made after it; bookings keep the prices they were made with', async () => {
    const first = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [seat('A', 5)], ticketTypes: { [seat('A', 5)]: 'child' } });
    expect(first.body.lines[0].price).to.equal(700);
    const patched = await api.request('PATCH', '/api/v1/admin/ticket-types/child', { token: admin.token, body: { rules: { regular: { kind: 'percent', value: 50 } } } });
    expect(patched.status).to.equal(200);
    try {
      const second = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [seat('A', 6)], ticketTypes: { [seat('A', 6)]: 'child' } });
      expect(second.body.lines[0].price).to.equal(500);
      const again = await api.request('GET', `/api/v1/checkouts/${first.body.checkoutId}`, { token: alice.token });
      expect(again.body.lines[0].price).to.equal(700);
      expect(again.body.amount).to.equal(700);
    } finally {
      await api.request('PATCH', '/api/v1/admin/ticket-types/child', { token: admin.token, body: { rules: { regular: { kind: 'percent', value: 70 } } } });
    }
  });

  describe('bad ticket choices change nothing', () => {
    const cases: [string, (s: number[]) => unknown][] = [
      ['a ticket type for a seat not asked for', (s) => ({ showtimeId: show.showtimeId, seatIds: [s[0]], ticketTypes: { [s[1]!]: 'child' } })],
      ['an unknown ticket type', (s) => ({ showtimeId: show.showtimeId, seatIds: [s[0]], ticketTypes: { [s[0]!]: 'toddler' } })],
      ['a seat key that is not an id', (s) => ({ showtimeId: show.showtimeId, seatIds: [s[0]], ticketTypes: { first: 'child' } })],
      ['ticket counts above the count', () => ({ showtimeId: show.showtimeId, bestAvailable: { count: 2 }, ticketCounts: { child: 2, senior: 1 } })],
      ['an unknown type in the counts', () => ({ showtimeId: show.showtimeId, bestAvailable: { count: 2 }, ticketCounts: { infant: 1 } })],
      ['ticket counts with named seats', (s) => ({ showtimeId: show.showtimeId, seatIds: [s[0]], ticketCounts: { child: 1 } })],
      ['an empty promo code', (s) => ({ showtimeId: show.showtimeId, seatIds: [s[0]], promoCode: '  ' })],
    ];
    for (const [name, body] of cases) {
      it(`${name} → 400 VALIDATION_FAILED`, async () => {
        const before = await snapshot();
        const res = await post('/checkouts', alice, body([seat('A', 8), seat('A', 7)]));
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
        expect(await snapshot()).to.deep.equal(before);
      });
    }
  });
});
