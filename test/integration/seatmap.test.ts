import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { parseHallLayout, type HallGrid } from '../../core/hall-layout.js';
import * as halls from '../../db/halls.js';
import * as showtimes from '../../db/showtimes.js';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

const NOW = '2026-12-01T08:00:00.000Z';
const LAYOUT = ['AR.RA', 'PP.VV', '.RRR.'];

describe('seat map: GET /showtimes/:id/seats', function () {
  this.timeout(60_000);
  const clock = fixedClock(NOW);
  let deps: TestDeps;
  let api: TestApi;
  let showtimeId: number;
  let bigShowtimeId: number;
  let queries = 0;
  /** The statements the endpoint sent, with their parameters, in order. */
  let sent: { sql: string; params: unknown[] }[] = [];

  const seats = (headers: Record<string, string> = {}, showtime = showtimeId) =>
    api.request('GET', `/api/v1/showtimes/${showtime}/seats`, { headers });
  /** What a checkout's hold does: change seats and bump the version in one transaction. */
  const hold = async (labels: string[], heldUntil: string, checkoutId = 'chk_TEST') => {
    await deps.ds.transaction(async (m) => {
      await m.query(
        `UPDATE show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id
         SET ss.status = 'held', ss.checkout_id = ?, ss.held_until = ?
         WHERE ss.showtime_id = ? AND CONCAT(hs.row_label, hs.number) IN (?)`,
        [checkoutId, new Date(heldUntil), showtimeId, labels],
      );
      await m.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [showtimeId]);
    });
  };

  before(async () => {
    deps = await createTestDeps('seatmap', { clock });
    const [movie] = await Promise.all([
      deps.ds.query(
        `INSERT INTO movies (title, synopsis, runtime_min, rating, release_date, available_from, available_until, created_at)
         VALUES ('Map Movie', '', 90, 'G', '2026-11-01', '2026-11-01', '2027-01-01', ?)`,
        [new Date(NOW)],
      ),
    ]);
    await deps.ds.transaction(async (m) => {
      const small = await halls.create(m, 'Small', parseHallLayout(LAYOUT) as HallGrid);
      const big = await halls.create(m, 'Big', parseHallLayout(Array(20).fill('R'.repeat(30))) as HallGrid);
      const base = { movieId: movie.insertId, basePrice: 1000, currency: 'USD', createdAt: new Date(NOW) };
      const startsAt = new Date('2026-12-02T18:00:00Z');
      const endsAt = new Date('2026-12-02T19:45:00Z');
      showtimeId = await showtimes.create(m, { ...base, hallId: small, startsAt, endsAt });
      bigShowtimeId = await showtimes.create(m, { ...base, hallId: big, startsAt, endsAt });
    });
    // Count the SQL statements the endpoint sends: it uses the driver's mysql2 pool directly.
    const pool = (deps.ds.driver as unknown as { pool: { query: (...args: unknown[]) => unknown } }).pool;
    const query = pool.query.bind(pool);
    pool.query = (...args: unknown[]) => {
      queries++;
      sent.push({ sql: String(args[0]), params: Array.isArray(args[1]) ? args[1] : [] });
      return query(...args);
    };
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  it('returns every seat of the hall with its show seat id, grid position, type, price and status', async () => {
    const res = await seats();
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(res.body).to.include({ showtimeId, version: 0, rows: 3, cols: 5 });
    expect(res.body.counts).to.deep.equal({ available: 11, held: 0, booked: 0 });
    const ids: { id: number; label: string }[] = await deps.ds.query(
      `SELECT ss.id, CONCAT(hs.row_label, hs.number) AS label FROM show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id
       WHERE ss.showtime_id = ?`,
      [showtimeId],
    );
    const idOf = Object.fromEntries(ids.map((r) => [r.label, Number(r.id)]));
    expect(res.body.seats.map((s: { label: string }) => s.label)).to.deep.equal([
      'A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4', 'C1', 'C2', 'C3',
    ]);
    expect(res.body.seats[0]).to.deep.equal({
      id: idOf.A1,
      label: 'A1',
      row: 'A',
      number: 1,
      type: 'accessible',
      price: 1000,
      status: 'available',
      gridRow: 0,
      gridCol: 0,
    });
    // Aisles have no seat; numbers count seats, not columns.
    expect(res.body.seats[3]).to.deep.include({ id: idOf.A4, label: 'A4', gridRow: 0, gridCol: 4, type: 'accessible' });
    expect(res.body.seats[2]).to.deep.include({ label: 'A3', gridCol: 3, type: 'regular' });
    expect(res.body.seats[4]).to.deep.include({ label: 'B1', type: 'premium', price: 1300 });
    expect(res.body.seats[7]).to.deep.include({ label: 'B4', type: 'vip', price: 1600 });
    expect(res.body.seats[8]).to.deep.include({ label: 'C1', gridRow: 2, gridCol: 1 });
  });

  it('sends a weak ETag from the version and Cache-Control: no-cache; If-None-Match gives 304 without a body', async () => {
    const res = await seats();
    const etag = res.headers.get('etag')!;
    expect(etag).to.equal(`W/"st${showtimeId}-v0-x0"`);
    expect(res.headers.get('cache-control')).to.equal('no-cache');
    for (const inm of [etag, etag.replace(/^W\//, ''), `W/"other", ${etag}`, '*']) {
      const cached = await seats({ 'if-none-match': inm });
      expect(cached.status, inm).to.equal(304);
      expect(cached.body).to.equal('');
      expect(cached.headers.get('etag')).to.equal(etag);
    }
    expect((await seats({ 'if-none-match': 'W/"st1-v99-x0"' })).status).to.equal(200);
  });

  it('reflects a seat change at once: new version, new ETag, the old ETag no longer matches', async () => {
    const before = await seats();
    await hold(['A2', 'B1'], '2026-12-01T08:10:00Z');
    const after = await seats({ 'if-none-match': before.headers.get('etag')! });
    expect(after.status).to.equal(200);
    expect(after.body.version).to.equal(1);
    expect(after.headers.get('etag')).to.equal(`W/"st${showtimeId}-v1-x0"`);
    const status = Object.fromEntries(after.body.seats.map((s: { label: string; status: string }) => [s.label, s.status]));
    expect(status).to.include({ A2: 'held', B1: 'held', A1: 'available' });
    expect(after.body.counts).to.deep.equal({ available: 9, held: 2, booked: 0 });
  });

  it('shows a hold whose held_until has passed as available, and changes the ETag without a version bump', async () => {
    await hold(['C1'], '2026-12-01T08:05:00Z', 'chk_EARLY');
    const live = await seats();
    expect(live.body.counts).to.deep.equal({ available: 8, held: 3, booked: 0 });
    const etag = live.headers.get('etag')!;
    expect(etag).to.equal(`W/"st${showtimeId}-v2-x0"`);

    clock.set('2026-12-01T08:05:00.000Z'); // held_until == now: still held
    expect((await seats({ 'if-none-match': etag })).status).to.equal(304);

    clock.set('2026-12-01T08:06:00.000Z'); // C1's hold ran out, A2/B1 hold until 08:10
    const one = await seats({ 'if-none-match': etag });
    expect(one.status).to.equal(200);
    expect(one.body.version).to.equal(2);
    expect(one.headers.get('etag')).to.equal(`W/"st${showtimeId}-v2-x1"`);
    expect(one.body.seats.find((s: { label: string }) => s.label === 'C1').status).to.equal('available');
    expect(one.body.counts).to.deep.equal({ available: 9, held: 2, booked: 0 });
    expect((await seats({ 'if-none-match': one.headers.get('etag')! })).status).to.equal(304);

    clock.set('2026-12-01T08:30:00.000Z');
    const all = await seats();
    expect(all.headers.get('etag')).to.equal(`W/"st${showtimeId}-v2-x3"`);
    expect(all.body.counts).to.deep.equal({ available: 11, held: 0, booked: 0 });
    clock.set(NOW);
  });

  it('booked seats are booked whatever the clock says', async () => {
    await deps.ds.transaction(async (m) => {
      await m.query(
        `UPDATE show_seats SET status = 'booked', held_until = NULL, booking_id = 'chk_TEST' WHERE showtime_id = ? AND checkout_id = 'chk_TEST'`,
        [showtimeId],
      );
      await m.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [showtimeId]);
    });
    clock.set('2027-01-01T00:00:00.000Z');
    const res = await seats();
    expect(res.body.counts).to.deep.equal({ available: 9, held: 0, booked: 2 });
    clock.set(NOW);
  });

  it('reads the seats with one statement, whatever the hall size, and only the version while nothing changed', async () => {
    await seats({}, bigShowtimeId); // warm
    queries = 0;
    const unchanged = await seats({}, bigShowtimeId);
    expect(unchanged.body.seats).to.have.length(600);
    expect(queries).to.equal(1);
    await deps.ds.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [bigShowtimeId]);
    queries = 0;
    const changed = await seats({}, bigShowtimeId);
    expect(changed.body.version).to.equal(1);
    expect(queries).to.equal(2);
  });

  it('reads show_seats through its (showtime_id, …) index, not a scan (EXPLAIN of the statement the endpoint sent)', async () => {
    // The small showtime: its seats are a few of the table's, as for any showtime of a real schedule. (The big
    // one holds nearly all rows of this test database, so a scan is rightly the cheaper plan for it.)
    await deps.ds.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?', [showtimeId]);
    sent = [];
    expect((await seats()).status).to.equal(200);
    const snapshot = sent.filter((q) => /\bshow_seats\b/.test(q.sql));
    expect(snapshot, sent.map((q) => q.sql).join('\n')).to.have.length(1);
    const plan: { table: string; type: string; key: string | null }[] = await deps.ds.query(`EXPLAIN ${snapshot[0]!.sql}`, snapshot[0]!.params);
    const ss = plan.find((p) => p.table === 'ss')!;
    expect(ss.type).to.not.equal('ALL');
    expect(ss.key).to.equal('uq_show_seats_showtime_seat');
  });

  it('gzips the map for a client that accepts gzip (the same JSON, compressed once per ETag), and sends it plain to one that does not', async () => {
    /** Raw bytes as sent: fetch would ask for gzip itself and unpack it. */
    const raw = (acceptEncoding?: string) =>
      new Promise<{ headers: IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
        const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
        httpGet(`${api.baseUrl}/api/v1/showtimes/${bigShowtimeId}/seats`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const plain = await raw();
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.headers.vary).to.equal('Accept-Encoding');
    const map = JSON.parse(plain.bytes.toString('utf8'));
    expect(map.seats).to.have.length(600);

    const zipped = await raw('gzip, deflate, br');
    expect(zipped.headers['content-encoding']).to.equal('gzip');
    expect(zipped.headers.vary).to.equal('Accept-Encoding');
    expect(zipped.headers.etag).to.equal(plain.headers.etag);
    expect(JSON.parse(gunzipSync(zipped.bytes).toString('utf8'))).to.deep.equal(map);
    expect(zipped.bytes.length).to.be.below(plain.bytes.length / 4);
    expect((await raw('gzip')).bytes.equals(zipped.bytes), 'the same compressed bytes for the same ETag').to.equal(true);

    for (const refused of ['identity', 'gzip;q=0', 'br']) {
      const r = await raw(refused);
      expect(r.headers['content-encoding'], refused).to.equal(undefined);
      expect(r.bytes.equals(plain.bytes), refused).to.equal(true);
    }
  });

  it('404 for an unknown showtime, 400 for a malformed id', async () => {
    const missing = await api.request('GET', '/api/v1/showtimes/999999/seats');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('NOT_FOUND');
    const bad = await api.request('GET', '/api/v1/showtimes/x/seats');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
  });
});
