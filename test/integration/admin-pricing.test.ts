import { expect } from 'chai';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startTestApi, type TestApi } from '../support/http.js';
import { createPromoCode } from '../support/promo-codes.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

const DAY_MS = 86_400_000;

/** The admin's side of ticket types and promo codes, and revenue by ticket type, over real HTTP on real MariaDB. */
describe('admin: ticket types, showtime overrides, promo codes, revenue by ticket type', function () {
  this.timeout(90_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let admin: TestUser;
  let customer: TestUser;
  let show: ShowtimeFixture;

  before(async () => {
    deps = await createTestDeps('admin_pricing', { config: { HOLD_TTL_SECONDS: '60' } });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    [admin, customer] = [await createUser(deps, 'admin'), await createUser(deps)];
    show = await createShowtime(deps.ds, { basePrice: 1000 });
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const call = (method: string, path: string, body?: unknown, user: TestUser = admin) => api.request(method, `/api/v1${path}`, { token: user.token, body });
  /** Every row the admin endpoints write, to show a refused request changed nothing. */
  const state = async () => ({
    types: await deps.ds.query('SELECT * FROM ticket_types ORDER BY code'),
    rules: await deps.ds.query('SELECT * FROM ticket_type_rules ORDER BY ticket_type, seat_type'),
    overrides: await deps.ds.query('SELECT * FROM showtime_ticket_types ORDER BY showtime_id, ticket_type'),
    overrideRules: await deps.ds.query('SELECT * FROM showtime_ticket_rules ORDER BY showtime_id, ticket_type, seat_type'),
    codes: await deps.ds.query('SELECT * FROM promo_codes ORDER BY id'),
    scopes: await deps.ds.query('SELECT * FROM promo_code_movies ORDER BY promo_code_id, movie_id'),
    audit: await deps.ds.query('SELECT COUNT(*) AS n FROM audit_log'),
  });
  const expectRefused = async (res: { status: number; body: { error: { code: string; message: string } } }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a('string').with.length.greaterThan(0);
  };

  describe('the default ticket types', () => {
    it('lists adult first at the seat price and the others with their rule per seat type', async () => {
      const res = await call('GET', '/admin/ticket-types');
      expect(res.status).to.equal(200);
      expect(res.body.items.map((t: { code: string; onSale: boolean }) => [t.code, t.onSale])).to.deep.equal([
        ['adult', true],
        ['child', true],
        ['senior', true],
        ['student', true],
      ]);
      expect(res.body.items[0].rules.vip).to.deep.equal({ kind: 'percent', value: 100 });
      expect(res.body.items[1]).to.deep.equal({
        code: 'child',
        name: 'Child',
        onSale: true,
        rules: { regular: { kind: 'percent', value: 70 }, premium: { kind: 'percent', value: 70 }, vip: { kind: 'percent', value: 70 }, accessible: { kind: 'percent', value: 70 }, companion: { kind: 'percent', value: 70 } },
      });
    });

    it('a change to a type sets the seat types named and leaves the rest; taken off sale it leaves the showtime page', async () => {
      const res = await call('PATCH', '/admin/ticket-types/senior', { onSale: false, rules: { vip: { kind: 'fixed', value: 900 } } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ code: 'senior', onSale: false });
      expect(res.body.rules.vip).to.deep.equal({ kind: 'fixed', value: 900 });
      expect(res.body.rules.regular).to.deep.equal({ kind: 'percent', value: 80 });
      const page = await api.request('GET', `/api/v1/showtimes/${show.showtimeId}`);
      expect(page.body.ticketTypes.map((t: { code: string }) => t.code)).to.deep.equal(['adult', 'child', 'student']);
      const back = await call('PATCH', '/admin/ticket-types/senior', { onSale: true, rules: { vip: { kind: 'percent', value: 80 } } });
      expect(back.body.rules.vip).to.deep.equal({ kind: 'percent', value: 80 });
    });

    const refusals: [string, string, unknown, number, string][] = [
      ['adult taken off sale', 'adult', { onSale: false }, 422, 'UNPROCESSABLE'],
      ['adult given a rule', 'adult', { rules: { regular: { kind: 'percent', value: 90 } } }, 422, 'UNPROCESSABLE'],
      ['a percent above 100', 'child', { rules: { regular: { kind: 'percent', value: 120 } } }, 400, 'VALIDATION_FAILED'],
      ['a negative amount', 'child', { rules: { regular: { kind: 'fixed', value: -1 } } }, 400, 'VALIDATION_FAILED'],
      ['an unknown seat type', 'child', { rules: { balcony: { kind: 'fixed', value: 1 } } }, 400, 'VALIDATION_FAILED'],
      ['an unknown rule kind', 'child', { rules: { regular: { kind: 'free', value: 0 } } }, 400, 'VALIDATION_FAILED'],
      ['an unknown field', 'child', { name: 'Kid' }, 400, 'VALIDATION_FAILED'],
      ['an unknown ticket type', 'infant', { onSale: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, code, body, status, error] of refusals) {
      it(`${name} → ${status} ${error}, nothing changed`, async () => {
        const before = await state();
        await expectRefused(await call('PATCH', `/admin/ticket-types/${code}`, body), status, error);
        expect(await state()).to.deep.equal(before);
      });
    }

    it('customers may not read or change them', async () => {
      expect((await call('GET', '/admin/ticket-types', undefined, customer)).status).to.equal(403);
      expect((await call('PATCH', '/admin/ticket-types/child', { onSale: false }, customer)).status).to.equal(403);
      expect((await api.request('GET', '/api/v1/admin/ticket-types')).status).to.equal(401);
    });
  });

  describe('a showtime’s own ticket types', () => {
    it('are the defaults until it overrides them; PUT replaces its overrides, [] brings the defaults back', async () => {
      const own = await createShowtime(deps.ds);
      const before = await call('GET', `/admin/showtimes/${own.showtimeId}/ticket-types`);
      expect(before.body.items.every((t: { overridden: { onSale: boolean; seatTypes: string[] } }) => !t.overridden.onSale && t.overridden.seatTypes.length === 0)).to.equal(true);
      const put = await call('PUT', `/admin/showtimes/${own.showtimeId}/ticket-types`, {
        overrides: [
          { code: 'child', rules: { regular: { kind: 'fixed', value: 400 } } },
          { code: 'student', onSale: false },
        ],
      });
      expect(put.status).to.equal(200);
      const child = put.body.items.find((t: { code: string }) => t.code === 'child');
      expect(child.rules.regular).to.deep.equal({ kind: 'fixed', value: 400 });
      expect(child.rules.premium).to.deep.equal({ kind: 'percent', value: 70 });
      expect(child.overridden).to.deep.equal({ onSale: false, seatTypes: ['regular'] });
      expect(put.body.items.find((t: { code: string }) => t.code === 'student')).to.deep.include({ onSale: false, overridden: { onSale: true, seatTypes: [] } });
      expect((await call('GET', `/admin/showtimes/${own.showtimeId}/ticket-types`)).body).to.deep.equal(put.body);

      const cleared = await call('PUT', `/admin/showtimes/${own.showtimeId}/ticket-types`, { overrides: [] });
      expect(cleared.body).to.deep.equal(before.body);
      expect((await deps.ds.query('SELECT COUNT(*) AS n FROM showtime_ticket_rules WHERE showtime_id = ?', [own.showtimeId]))[0].n).to.equal(0);
    });

    const refusals: [string, (id: number) => string, unknown, number, string][] = [
      ['an unknown showtime', () => '/admin/showtimes/999999/ticket-types', { overrides: [] }, 404, 'NOT_FOUND'],
      ['adult overridden', (id) => `/admin/showtimes/${id}/ticket-types`, { overrides: [{ code: 'adult', rules: { regular: { kind: 'fixed', value: 1 } } }] }, 422, 'UNPROCESSABLE'],
      ['a type named twice', (id) => `/admin/showtimes/${id}/ticket-types`, { overrides: [{ code: 'child', onSale: false }, { code: 'child', onSale: true }] }, 400, 'VALIDATION_FAILED'],
      ['a missing list', (id) => `/admin/showtimes/${id}/ticket-types`, {}, 400, 'VALIDATION_FAILED'],
      ['a malformed showtime id', () => '/admin/showtimes/abc/ticket-types', { overrides: [] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, path, body, status, error] of refusals) {
      it(`${name} → ${status} ${error}, nothing changed`, async () => {
        await call('PUT', `/admin/showtimes/${show.showtimeId}/ticket-types`, { overrides: [{ code: 'senior', onSale: false }] });
        const before = await state();
        await expectRefused(await call('PUT', path(show.showtimeId), body), status, error);
        expect(await state()).to.deep.equal(before);
        await call('PUT', `/admin/showtimes/${show.showtimeId}/ticket-types`, { overrides: [] });
      });
    }
  });

  describe('promo codes', () => {
    it('create, read, list, change: codes in capitals, scope and window as sent, redemptions counted', async () => {
      const validUntil = new Date(Date.now() + 30 * DAY_MS).toISOString();
      const created = await call('POST', '/admin/promo-codes', { code: ' spring-5 ', kind: 'fixed', value: 500, maxRedemptions: 10, perUserLimit: 2, validUntil, movieIds: [show.movieId] });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.headers.get('location')).to.equal(`/api/v1/admin/promo-codes/${created.body.id}`);
      expect(created.body).to.deep.include({
        code: 'SPRING-5',
        kind: 'fixed',
        value: 500,
        maxRedemptions: 10,
        perUserLimit: 2,
        validFrom: null,
        validUntil,
        movieIds: [show.movieId],
        showtimeIds: [],
        active: true,
        redemptions: 0,
      });
      const held = await call('POST', '/checkouts', { showtimeId: show.showtimeId, seatIds: [show.seatIds[0]], promoCode: 'Spring-5' }, customer);
      expect(held.status).to.equal(201);
      const read = await call('GET', `/admin/promo-codes/${created.body.id}`);
      expect(read.body.redemptions).to.equal(1);
      const listed = await call('GET', '/admin/promo-codes?active=true');
      expect(listed.body.items.map((p: { id: number }) => p.id)).to.include(created.body.id);
      expect((await call('GET', '/admin/promo-codes?active=false')).body.items.map((p: { id: number }) => p.id)).to.not.include(created.body.id);

      const patched = await call('PATCH', `/admin/promo-codes/${created.body.id}`, { kind: 'percent', value: 25, maxRedemptions: null, movieIds: [], showtimeIds: [show.showtimeId] });
      expect(patched.status).to.equal(200);
      expect(patched.body).to.deep.include({ code: 'SPRING-5', kind: 'percent', value: 25, maxRedemptions: null, perUserLimit: 2, movieIds: [], showtimeIds: [show.showtimeId], redemptions: 1 });
      // The redemption already taken keeps its discount.
      const booking = await call('GET', `/checkouts/${held.body.checkoutId}`, undefined, customer);
      expect(booking.body.discount).to.deep.equal({ code: 'SPRING-5', amount: 500 });
    });

    it('DELETE removes a code nobody redeemed, and deactivates one that bookings redeemed: it is then refused as unknown', async () => {
      const unused = await createPromoCode(api, admin, { code: 'UNUSED', kind: 'fixed', value: 100 });
      const gone = await call('DELETE', `/admin/promo-codes/${unused.id}`);
      expect(gone.status).to.equal(204);
      expect((await call('GET', `/admin/promo-codes/${unused.id}`)).status).to.equal(404);

      const used = await createPromoCode(api, admin, { code: 'USED', kind: 'fixed', value: 100 });
      const held = await call('POST', '/checkouts', { showtimeId: show.showtimeId, seatIds: [show.seatIds[1]], promoCode: 'USED' }, customer);
      expect(held.status).to.equal(201);
      const deactivated = await call('DELETE', `/admin/promo-codes/${used.id}`);
      expect(deactivated.status).to.equal(200);
      expect(deactivated.body).to.deep.include({ id: used.id, code: 'USED', active: false, redemptions: 1 });
      const [entry] = await deps.ds.query("SELECT action, changes FROM audit_log WHERE resource_type = 'promo-code' AND resource_id = ? ORDER BY id DESC LIMIT 1", [String(used.id)]);
      expect({ action: entry.action, changes: JSON.parse(entry.changes) }).to.deep.equal({ action: 'promo-code.delete', changes: { code: 'USED', outcome: 'deactivated' } });
      const refused = await call('POST', '/checkouts', { showtimeId: show.showtimeId, seatIds: [show.seatIds[2]], promoCode: 'USED' }, customer);
      expect(refused.status).to.equal(422);
      expect(refused.body.error.details).to.deep.equal({ code: 'USED', reason: 'unknown' });
      // Its text stays taken, and the booking keeps naming it.
      await expectRefused(await call('POST', '/admin/promo-codes', { code: 'used', kind: 'percent', value: 5 }), 409, 'CONFLICT');
      expect((await call('GET', `/checkouts/${held.body.checkoutId}`, undefined, customer)).body.discount).to.deep.equal({ code: 'USED', amount: 100 });
    });

    const past = new Date(Date.now() - DAY_MS).toISOString();
    const future = new Date(Date.now() + DAY_MS).toISOString();
    const bad: [string, unknown, number, string][] = [
      ['a code of two characters', { code: 'AB', kind: 'fixed', value: 1 }, 400, 'VALIDATION_FAILED'],
      ['a code with a space', { code: 'TWO WORDS', kind: 'fixed', value: 1 }, 400, 'VALIDATION_FAILED'],
      ['a percent above 100', { code: 'TOOMUCH', kind: 'percent', value: 150 }, 400, 'VALIDATION_FAILED'],
      ['a value of 0', { code: 'NOTHING', kind: 'fixed', value: 0 }, 400, 'VALIDATION_FAILED'],
      ['a window that ends before it starts', { code: 'BACKWARDS', kind: 'fixed', value: 1, validFrom: future, validUntil: past }, 400, 'VALIDATION_FAILED'],
      ['a limit of 0', { code: 'ZERO', kind: 'fixed', value: 1, maxRedemptions: 0 }, 400, 'VALIDATION_FAILED'],
      ['repeated movie ids', { code: 'TWICE', kind: 'fixed', value: 1, movieIds: [1, 1] }, 400, 'VALIDATION_FAILED'],
      ['an unknown field', { code: 'EXTRA', kind: 'fixed', value: 1, currency: 'USD' }, 400, 'VALIDATION_FAILED'],
      ['an unknown movie', { code: 'NOFILM', kind: 'fixed', value: 1, movieIds: [999999] }, 422, 'UNPROCESSABLE'],
      ['an unknown showtime', { code: 'NOSHOW', kind: 'fixed', value: 1, showtimeIds: [999999] }, 422, 'UNPROCESSABLE'],
    ];
    for (const [name, body, status, error] of bad) {
      it(`POST with ${name} → ${status} ${error}, nothing changed`, async () => {
        const before = await state();
        await expectRefused(await call('POST', '/admin/promo-codes', body), status, error);
        expect(await state()).to.deep.equal(before);
      });
    }

    it('a PATCH is checked with the fields it keeps: a fixed code made percent needs a value up to 100; a taken text is a conflict', async () => {
      const fixed = await createPromoCode(api, admin, { code: 'BIGFIXED', kind: 'fixed', value: 500 });
      await createPromoCode(api, admin, { code: 'TAKEN', kind: 'fixed', value: 1 });
      const before = await state();
      await expectRefused(await call('PATCH', `/admin/promo-codes/${fixed.id}`, { kind: 'percent' }), 400, 'VALIDATION_FAILED');
      await expectRefused(await call('PATCH', `/admin/promo-codes/${fixed.id}`, { validFrom: future, validUntil: past }), 400, 'VALIDATION_FAILED');
      await expectRefused(await call('PATCH', `/admin/promo-codes/${fixed.id}`, { code: 'taken' }), 409, 'CONFLICT');
      await expectRefused(await call('PATCH', `/admin/promo-codes/${fixed.id}`, { showtimeIds: [999999] }), 422, 'UNPROCESSABLE');
      await expectRefused(await call('PATCH', '/admin/promo-codes/999999', { value: 5 }), 404, 'NOT_FOUND');
      expect(await state()).to.deep.equal(before);
    });

    it('customers may not manage promo codes', async () => {
      expect((await call('GET', '/admin/promo-codes', undefined, customer)).status).to.equal(403);
      expect((await call('POST', '/admin/promo-codes', { code: 'MINE', kind: 'fixed', value: 1 }, customer)).status).to.equal(403);
    });
  });

  it('revenue by ticket type: CONFIRMED seats by type after discounts, adding up to the revenue report; REFUNDED apart', async () => {
    const night = await createShowtime(deps.ds, { basePrice: 1000, startsInMinutes: 3 * 24 * 60 });
    await createPromoCode(api, admin, { code: 'REPORT10', kind: 'percent', value: 10 });
    const buy = async (body: Record<string, unknown>) => {
      const held = await call('POST', '/checkouts', { showtimeId: night.showtimeId, ...body }, customer);
      expect(held.status, JSON.stringify(held.body)).to.equal(201);
      const paid = await call('POST', `/checkouts/${held.body.checkoutId}/pay`, { card: MOCK_CARDS.succeeds }, customer);
      expect(paid.body.status).to.equal('CONFIRMED');
      return held.body.checkoutId as string;
    };
    const [s1, s2, s3, s4] = night.seatIds;
    // 700 (child) + 1000 (adult) − 10 % = 1530; the shares are 70 and 100.
    await buy({ seatIds: [s1, s2], ticketTypes: { [s1!]: 'child' }, promoCode: 'REPORT10' });
    await buy({ seatIds: [s3], ticketTypes: { [s3!]: 'senior' } });
    const refunded = await buy({ seatIds: [s4], ticketTypes: { [s4!]: 'child' } });
    expect((await call('POST', `/bookings/${refunded}/cancel`, {}, customer)).body.status).to.equal('REFUNDED');
    // A hold that is not paid is no revenue.
    expect((await call('POST', '/checkouts', { showtimeId: night.showtimeId, seatIds: [night.seatIds[4]], ticketTypes: { [night.seatIds[4]!]: 'student' } }, customer)).status).to.equal(201);

    const day = night.startsAt.toISOString().slice(0, 10);
    const res = await call('GET', `/admin/reports/revenue-by-ticket-type?from=${day}&to=${day}`);
    expect(res.status).to.equal(200);
    expect(res.body.items).to.deep.equal([
      { currency: 'USD', ticketType: 'adult', name: 'Adult', seats: 1, gross: 1000, discount: 100, revenue: 900, refundedSeats: 0, refundedAmount: 0 },
      { currency: 'USD', ticketType: 'child', name: 'Child', seats: 1, gross: 700, discount: 70, revenue: 630, refundedSeats: 1, refundedAmount: 700 },
      { currency: 'USD', ticketType: 'senior', name: 'Senior', seats: 1, gross: 800, discount: 0, revenue: 800, refundedSeats: 0, refundedAmount: 0 },
    ]);
    expect(res.body.totals).to.deep.equal([{ currency: 'USD', seats: 3, gross: 2500, discount: 170, revenue: 2330, refundedSeats: 1, refundedAmount: 700 }]);
    const revenue = await call('GET', `/admin/reports/revenue?from=${day}&to=${day}`);
    expect(revenue.body.totals).to.have.length(1);
    expect(revenue.body.totals[0]).to.include({ currency: 'USD', revenue: 2330, seats: 3, refundedAmount: 700 });

    await expectRefused(await call('GET', '/admin/reports/revenue-by-ticket-type?from=2026-02-01&to=2026-01-01'), 400, 'VALIDATION_FAILED');
    expect((await call('GET', '/admin/reports/revenue-by-ticket-type', undefined, customer)).status).to.equal(403);
  });
});
