import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { parseHallLayout, type HallGrid } from '../../core/hall-layout.js';
import * as halls from '../../db/halls.js';
import * as showtimes from '../../db/showtimes.js';
import { fixedClock } from '../support/clock.js';
import { createUser } from '../support/fixtures.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { flatten, parseCsv } from '../support/csv.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * A hand-computed scenario. Now = 2026-12-10 12:00 UTC. One hall of six
 * seats, rows `RPV` and `RPV` (regular, premium, vip; seats are taken in that
 * order); movies Aurora (A), Borealis (B), Comet (C), 100 min each.
 *
 *   T1 A 12-01 18:00 USD  b1 CONFIRMED 2 seats 2000 · b2 REFUNDED 1 seat 1000 (seat free again)
 *   T2 A 12-02 18:00 USD  b3 CONFIRMED 3 seats 3000 · b7 AWAITING_PAYMENT 1 seat, hold expired 11:00
 *   T3 B 12-02 21:00 EUR  b4 CONFIRMED 1 seat 1200 · b5 EXPIRED 2 seats · b6 AWAITING_PAYMENT 1 seat held to 12:05
 *   T4 C 11-15 18:00 USD  b8 CONFIRMED 4 seats 4000 (outside 12-01..12-05)
 *   T5 B 12-03 18:00 USD  cancelled
 *   T7 A 12-05 22:00 USD  nothing sold (last minutes of the range)
 *   T8 A 12-06 00:30 USD  b9 CONFIRMED 1 seat 1000 (first minutes after the range)
 */
const NOW = '2026-12-10T12:00:00.000Z';
const RANGE = 'from=2026-12-01&to=2026-12-05';

describe('admin reports: occupancy, revenue, popular, sales, CSV', function () {
  this.timeout(60_000);
  const clock = fixedClock(NOW);
  let deps: TestDeps;
  let api: TestApi;
  let admin: string;
  const id: Record<string, number> = {};

  const report = (path: string) => api.request('GET', `/api/v1/admin/reports/${path}`, { token: admin });

  before(async () => {
    deps = await createTestDeps('reports', { clock });
    const q = (sql: string, params: unknown[] = []) => deps.ds.query(sql, params);
    const u = await q("INSERT INTO users (email, name, password_hash, role, created_at) VALUES ('boss@reports.test', 'Boss', 'x', 'admin', ?)", [
      new Date(NOW),
    ]);
    admin = await issueToken({ id: Number(u.insertId), role: 'admin', tokenVersion: 0 }, deps);
    for (const title of ['Aurora', 'Borealis', 'Comet']) {
      const r = await q(
        `INSERT INTO movies (title, synopsis, runtime_min, rating, release_date, available_from, available_until, created_at)
         VALUES (?, '', 100, 'PG', '2026-11-01', '2026-11-01', '2027-01-31', ?)`,
        [title, new Date(NOW)],
      );
      id[title] = Number(r.insertId);
    }
    await deps.ds.transaction(async (m) => {
      const hall = await halls.create(m, 'Six', parseHallLayout(['RPV', 'RPV']) as HallGrid);
      const show = async (name: string, title: string, startsAt: string, currency: string, basePrice: number) => {
        const start = new Date(startsAt);
        id[name] = await showtimes.create(m, {
          movieId: id[title]!,
          hallId: hall,
          startsAt: start,
          endsAt: showtimes.showtimeEnd(start, 100, 15),
          basePrice,
          currency,
          createdAt: new Date(NOW),
        });
      };
      await show('T1', 'Aurora', '2026-12-01T18:00:00Z', 'USD', 1000);
      await show('T2', 'Aurora', '2026-12-02T18:00:00Z', 'USD', 1000);
      await show('T3', 'Borealis', '2026-12-02T21:00:00Z', 'EUR', 1200);
      await show('T4', 'Comet', '2026-11-15T18:00:00Z', 'USD', 1000);
      await show('T5', 'Borealis', '2026-12-03T18:00:00Z', 'USD', 1000);
      await show('T7', 'Aurora', '2026-12-05T22:00:00Z', 'USD', 1000);
      await show('T8', 'Aurora', '2026-12-06T00:30:00Z', 'USD', 1000);
      await m.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [id.T5]);
    });

    let n = 0;
    /** A booking of `seats` seats of a showtime, and what it did to those seats. */
    const booking = async (showtime: string, status: string, seats: number, amount: number, currency: string, seat: { status: string; heldUntil?: string }) => {
      const bookingId = `chk_REPORT${++n}`;
      await q(
        `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, hold_expires_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'mock', ?, ?, ?)`,
        [bookingId, u.insertId, id[showtime], status, amount, currency, new Date(NOW), new Date(NOW), new Date(NOW)],
      );
      const free: { id: number }[] = await q(
        "SELECT id FROM show_seats WHERE showtime_id = ? AND status = 'available' AND booking_id IS NULL AND checkout_id IS NULL ORDER BY id LIMIT ?",
        [id[showtime], seats],
      );
      for (const [i, s] of free.entries()) {
        await q('INSERT INTO booking_seats (booking_id, show_seat_id, label, price) VALUES (?, ?, ?, ?)', [bookingId, s.id, `S${i}`, amount / seats]);
        await q('UPDATE show_seats SET status = ?, checkout_id = ?, held_until = ?, booking_id = ? WHERE id = ?', [
          seat.status,
          bookingId,
          seat.heldUntil ? new Date(seat.heldUntil) : null,
          seat.status === 'booked' ? bookingId : null,
          s.id,
        ]);
      }
    };
    await booking('T1', 'CONFIRMED', 2, 2000, 'USD', { status: 'booked' });
    await booking('T1', 'REFUNDED', 1, 1000, 'USD', { status: 'available' });
    await booking('T2', 'CONFIRMED', 3, 3000, 'USD', { status: 'booked' });
    await booking('T3', 'CONFIRMED', 1, 1200, 'EUR', { status: 'booked' });
    await booking('T3', 'EXPIRED', 2, 2400, 'EUR', { status: 'available' });
    await booking('T3', 'AWAITING_PAYMENT', 1, 1200, 'EUR', { status: 'held', heldUntil: '2026-12-10T12:05:00Z' });
    await booking('T2', 'AWAITING_PAYMENT', 1, 1000, 'USD', { status: 'held', heldUntil: '2026-12-10T11:00:00Z' });
    await booking('T4', 'CONFIRMED', 4, 4000, 'USD', { status: 'booked' });
    await booking('T8', 'CONFIRMED', 1, 1000, 'USD', { status: 'booked' });
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  it('occupancy: booked / live holds / available per scheduled showtime, with totals', async () => {
    const res = await report(`occupancy?${RANGE}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ from: '2026-12-01', to: '2026-12-05', total: 4, limit: 100, offset: 0 });
    const rows = res.body.items.map((r: Record<string, unknown>) => [r.showtimeId, r.total, r.booked, r.held, r.available, r.occupancyPct]);
    expect(rows).to.deep.equal([
      [id.T1, 6, 2, 0, 4, 33.3],
      [id.T2, 6, 3, 0, 3, 50],
      [id.T3, 6, 1, 1, 4, 16.7],
      [id.T7, 6, 0, 0, 6, 0],
    ]);
    expect(res.body.items[2]).to.deep.include({
      day: '2026-12-02',
      startsAt: '2026-12-02T21:00:00.000Z',
      status: 'scheduled',
      movie: { id: id.Borealis, title: 'Borealis' },
    });
    expect(res.body.totals).to.deep.equal({ showtimes: 4, seats: 24, booked: 6, held: 1, available: 17, occupancyPct: 25 });
    const page = await report(`occupancy?${RANGE}&limit=1&offset=2`);
    expect(page.body.items.map((r: { showtimeId: number }) => r.showtimeId)).to.deep.equal([id.T3]);
    expect(page.body.totals.seats).to.equal(24);
  });

  it('occupancy counts a hold as soon as it expires as available', async () => {
    clock.set('2026-12-10T12:06:00Z');
    try {
      const res = await report(`occupancy?${RANGE}`);
      expect(res.body.totals).to.deep.include({ held: 0, available: 18 });
    } finally {
      clock.set(NOW);
    }
  });

  it('revenue: CONFIRMED bookings per currency, by movie and by showtime day; REFUNDED apart', async () => {
    const res = await report(`revenue?${RANGE}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({
      from: '2026-12-01',
      to: '2026-12-05',
      totals: [
        { currency: 'EUR', bookings: 1, seats: 1, revenue: 1200, refundedBookings: 0, refundedAmount: 0 },
        { currency: 'USD', bookings: 2, seats: 5, revenue: 5000, refundedBookings: 1, refundedAmount: 1000 },
      ],
      byMovie: [
        { movieId: id.Aurora, title: 'Aurora', currency: 'USD', bookings: 2, seats: 5, revenue: 5000, refundedBookings: 1, refundedAmount: 1000 },
        { movieId: id.Borealis, title: 'Borealis', currency: 'EUR', bookings: 1, seats: 1, revenue: 1200, refundedBookings: 0, refundedAmount: 0 },
      ],
      byDay: [
        { day: '2026-12-01', currency: 'USD', bookings: 1, seats: 2, revenue: 2000, refundedBookings: 1, refundedAmount: 1000 },
        { day: '2026-12-02', currency: 'EUR', bookings: 1, seats: 1, revenue: 1200, refundedBookings: 0, refundedAmount: 0 },
        { day: '2026-12-02', currency: 'USD', bookings: 1, seats: 3, revenue: 3000, refundedBookings: 0, refundedAmount: 0 },
      ],
    });
  });

  it('popular: movies by seats of CONFIRMED bookings, with their showtimes in the range', async () => {
    const res = await report(`popular?${RANGE}`);
    expect(res.body).to.deep.equal({
      from: '2026-12-01',
      to: '2026-12-05',
      items: [
        { rank: 1, movieId: id.Aurora, title: 'Aurora', seatsBooked: 5, bookings: 2, showtimes: 3 },
        { rank: 2, movieId: id.Borealis, title: 'Borealis', seatsBooked: 1, bookings: 1, showtimes: 1 },
      ],
    });
    expect((await report(`popular?${RANGE}&limit=1`)).body.items).to.have.length(1);
  });

  it('occupancy by day and hall: the heat map of days × halls', async () => {
    const res = await report(`occupancy-by-day?${RANGE}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const hall = res.body.items[0].hall;
    expect(hall.name).to.equal('Six');
    expect(res.body).to.deep.equal({
      from: '2026-12-01',
      to: '2026-12-05',
      items: [
        { day: '2026-12-01', hall, showtimes: 1, seats: 6, booked: 2, held: 0, available: 4, occupancyPct: 33.3 },
        { day: '2026-12-02', hall, showtimes: 2, seats: 12, booked: 4, held: 1, available: 7, occupancyPct: 33.3 },
        { day: '2026-12-05', hall, showtimes: 1, seats: 6, booked: 0, held: 0, available: 6, occupancyPct: 0 },
      ],
    });
  });

  it('sales by seat type: seats and their prices of CONFIRMED bookings per currency, REFUNDED apart', async () => {
    const res = await report(`sales?by=seat-type&${RANGE}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({
      from: '2026-12-01',
      to: '2026-12-05',
      by: 'seat-type',
      items: [
        { key: 'regular', currency: 'EUR', seats: 1, revenue: 1200, refundedSeats: 0, refundedAmount: 0 },
        { key: 'premium', currency: 'USD', seats: 2, revenue: 2000, refundedSeats: 0, refundedAmount: 0 },
        { key: 'regular', currency: 'USD', seats: 2, revenue: 2000, refundedSeats: 0, refundedAmount: 0 },
        { key: 'vip', currency: 'USD', seats: 1, revenue: 1000, refundedSeats: 1, refundedAmount: 1000 },
      ],
    });
    for (const bad of ['sales', 'sales?by=ticket-type', 'sales?by=seat-type&format=xml']) expect((await report(bad)).status, bad).to.equal(400);
  });

  it('every report answers CSV (?format=csv or Accept: text/csv) whose lines are the JSON rows', async () => {
    const cases: [string, (body: Record<string, unknown>) => unknown[]][] = [
      [`occupancy?${RANGE}`, (b) => b.items as unknown[]],
      [`occupancy-by-day?${RANGE}`, (b) => b.items as unknown[]],
      [`revenue?${RANGE}`, (b) => b.byDay as unknown[]],
      [`revenue?${RANGE}&rows=byMovie`, (b) => b.byMovie as unknown[]],
      [`revenue?${RANGE}&rows=totals`, (b) => b.totals as unknown[]],
      [`popular?${RANGE}`, (b) => b.items as unknown[]],
      [`sales?by=seat-type&${RANGE}`, (b) => b.items as unknown[]],
    ];
    for (const [path, rowsOf] of cases) {
      const json = await report(path);
      const csv = await report(`${path}&format=csv`);
      expect(csv.status, path).to.equal(200);
      expect(csv.headers.get('content-type'), path).to.equal('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition'), path).to.match(/^attachment; filename="[\w.-]+\.csv"$/);
      const [header, ...lines] = parseCsv(csv.body as unknown as string);
      const expected = rowsOf(json.body).map((r) => flatten(r as Record<string, unknown>));
      expect(lines.length, path).to.equal(expected.length);
      expect(header, path).to.deep.equal(Object.keys(expected[0]!));
      expect(lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i]]))), path).to.deep.equal(expected);
    }
    const accepted = await api.request('GET', `/api/v1/admin/reports/popular?${RANGE}`, { token: admin, headers: { accept: 'text/csv' } });
    expect(accepted.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(parseCsv(accepted.body as unknown as string)[0]).to.deep.equal(['rank', 'movieId', 'title', 'seatsBooked', 'bookings', 'showtimes']);
    const empty = await report('occupancy?from=2025-01-01&to=2025-01-02&format=csv');
    expect(empty.body, 'no rows: the header alone').to.equal(
      'showtimeId,day,startsAt,status,movie.id,movie.title,hall.id,hall.name,total,booked,held,available,occupancyPct\r\n',
    );
  });

  it('CSV quotes commas, quotes and line breaks, and defuses text a spreadsheet would run as a formula', async () => {
    await deps.ds.query('UPDATE movies SET title = ? WHERE id = ?', ['=HYPERLINK("x"), part 2', id.Borealis]);
    try {
      const csv = await report(`popular?${RANGE}&format=csv`);
      expect((csv.body as unknown as string).split('\r\n')[2]).to.equal(`2,${id.Borealis},"'=HYPERLINK(""x""), part 2",1,1,1`);
      expect(parseCsv(csv.body as unknown as string)[2]![2]).to.equal(`'=HYPERLINK("x"), part 2`);
    } finally {
      await deps.ds.query("UPDATE movies SET title = 'Borealis' WHERE id = ?", [id.Borealis]);
    }
  });

  it('ranges are whole UTC days; the default is the 30 days up to today', async () => {
    const nov = await report('revenue?from=2026-11-01&to=2026-11-30');
    expect(nov.body.totals).to.deep.equal([{ currency: 'USD', bookings: 1, seats: 4, revenue: 4000, refundedBookings: 0, refundedAmount: 0 }]);
    const sixth = await report('popular?from=2026-12-06&to=2026-12-06');
    expect(sixth.body.items).to.deep.equal([{ rank: 1, movieId: id.Aurora, title: 'Aurora', seatsBooked: 1, bookings: 1, showtimes: 1 }]);
    const dflt = await report('revenue');
    expect(dflt.body).to.include({ from: '2026-11-11', to: '2026-12-10' });
    expect(dflt.body.totals.find((t: { currency: string }) => t.currency === 'USD').revenue).to.equal(2000 + 3000 + 4000 + 1000);
    const onlyTo = await report('occupancy?to=2026-12-05');
    expect(onlyTo.body).to.include({ from: '2026-11-06', to: '2026-12-05' });
    const empty = await report('occupancy?from=2025-01-01&to=2025-01-31');
    expect(empty.body).to.deep.include({ items: [], total: 0, totals: { showtimes: 0, seats: 0, booked: 0, held: 0, available: 0, occupancyPct: 0 } });
  });

  it('validates the range: from <= to, at most 366 days, real dates (400 with the error shape)', async () => {
    for (const path of [
      'occupancy?from=2026-12-05&to=2026-12-01',
      'revenue?from=2025-12-01&to=2026-12-02',
      'popular?from=2026-02-30&to=2026-03-01',
      'revenue?from=yesterday',
      'occupancy?limit=0',
      'occupancy?limit=1001',
      'popular?limit=101',
    ]) {
      const res = await report(path);
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
    expect((await report('revenue?from=2025-12-02&to=2026-12-02')).status).to.equal(200); // 366 days
  });

  it('is for admins only', async () => {
    const { token: user } = await createUser(deps);
    for (const r of ['occupancy', 'occupancy-by-day', 'revenue', 'popular', 'sales?by=seat-type']) {
      expect((await api.request('GET', `/api/v1/admin/reports/${r}`, { token: user })).status).to.equal(403);
      expect((await api.request('GET', `/api/v1/admin/reports/${r}`)).status).to.equal(401);
    }
  });
});
