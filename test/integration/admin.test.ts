import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { SeatTypePricePercent } from '../../core/domain.js';
import { AISLE, LayoutSymbols, MAX_HALL_COLS, MAX_HALL_ROWS } from '../../core/hall-layout.js';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type HttpReply, type TestApi } from '../support/http.js';

const NOW = '2026-12-01T08:00:00.000Z';
const BUFFER_MIN = 15; // CLEANING_BUFFER_MINUTES default

function expectError(res: HttpReply, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body).to.have.nested.property('error.code', code);
  expect(res.body).to.have.nested.property('error.message').that.is.a('string');
}

const TABLES = ['movies', 'movie_genres', 'movie_actors', 'genres', 'actors', 'halls', 'hall_seats', 'showtimes', 'show_seats'];

describe('admin: catalog, halls and showtimes', function () {
  this.timeout(60_000);
  const clock = fixedClock(NOW);
  let deps: TestDeps;
  let api: TestApi;
  let admin: string;
  let user: string;
  let userId: number;

  const as = (token: string) => ({
    get: (path: string) => api.request('GET', `/api/v1${path}`, { token }),
    post: (path: string, body?: unknown) => api.request('POST', `/api/v1${path}`, { token, body }),
    patch: (path: string, body: unknown) => api.request('PATCH', `/api/v1${path}`, { token, body }),
    del: (path: string) => api.request('DELETE', `/api/v1${path}`, { token }),
  });
  const adm = () => as(admin);
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await deps.ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
    return out;
  };
  /** Every request must answer `status` with the error shape and leave every table as it was. */
  const refusedWithoutChange = async (requests: (() => Promise<HttpReply>)[], status: number, code: string) => {
    const before = await counts();
    for (const r of requests) expectError(await r(), status, code);
    expect(await counts()).to.deep.equal(before);
  };

  let seq = 0;
  const movieBody = (over: Record<string, unknown> = {}) => ({
    title: `Film ${++seq}`,
    synopsis: 'Something happens.',
    runtimeMin: 105,
    rating: 'PG',
    releaseDate: '2026-11-20',
    availableFrom: '2026-11-20T00:00:00Z',
    availableUntil: '2027-01-31T00:00:00Z',
    ...over,
  });
  const createMovie = async (over: Record<string, unknown> = {}) => {
    const res = await adm().post('/admin/movies', movieBody(over));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: number; runtimeMin: number };
  };
  const createHall = async (layout = ['RRRR', 'PPPP']) => {
    const res = await adm().post('/admin/halls', { name: `Hall ${++seq}`, layout });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: number; seatCount: number };
  };
  const schedule = (movieId: number, hallId: number, startsAt: string, basePrice = 1000) =>
    adm().post('/admin/showtimes', { movieId, hallId, startsAt, basePrice, currency: 'USD' });
  const plusMinutes = (iso: string, min: number) => new Date(Date.parse(iso) + min * 60_000).toISOString();
  const insertBooking = async (showtimeId: number, status = 'CONFIRMED') => {
    await deps.ds.query(
      `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, hold_expires_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 1000, 'USD', 'mock', ?, ?, ?)`,
      [`chk_ADMIN${++seq}`, userId, showtimeId, status, new Date(NOW), new Date(NOW), new Date(NOW)],
    );
  };

  before(async () => {
    // Tokens outlive the clock moves some tests make.
    deps = await createTestDeps('admin_catalog', { clock, config: { JWT_TTL_SECONDS: String(365 * 86_400) } });
    const mk = async (role: 'user' | 'admin') => {
      const r = await deps.ds.query(
        "INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, 'x', ?, ?)",
        [`${role}@admin.test`, role, role, new Date(NOW)],
      );
      return { id: Number(r.insertId), token: await issueToken({ id: Number(r.insertId), role, tokenVersion: 0 }, deps) };
    };
    admin = (await mk('admin')).token;
    const u = await mk('user');
    user = u.token;
    userId = u.id;
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  it('every admin endpoint answers 401 without a token and 403 to a user', async () => {
    const calls: [string, string][] = [
      ['POST', '/admin/movies'],
      ['PATCH', '/admin/movies/1'],
      ['DELETE', '/admin/movies/1'],
      ['POST', '/admin/genres'],
      ['PATCH', '/admin/genres/1'],
      ['DELETE', '/admin/genres/1'],
      ['POST', '/admin/actors'],
      ['PATCH', '/admin/actors/1'],
      ['DELETE', '/admin/actors/1'],
      ['GET', '/admin/halls'],
      ['GET', '/admin/halls/1'],
      ['POST', '/admin/halls'],
      ['PATCH', '/admin/halls/1'],
      ['DELETE', '/admin/halls/1'],
      ['GET', '/admin/showtimes'],
      ['POST', '/admin/showtimes'],
      ['PATCH', '/admin/showtimes/1'],
      ['DELETE', '/admin/showtimes/1'],
      ['GET', '/admin/users'],
      ['POST', '/admin/users/1/promote'],
      ['GET', '/admin/reports/occupancy'],
      ['GET', '/admin/reports/revenue'],
      ['GET', '/admin/reports/popular'],
    ];
    for (const [method, path] of calls) {
      const body = method === 'GET' ? undefined : {};
      expectError(await api.request(method, `/api/v1${path}`, { body }), 401, 'UNAUTHENTICATED');
      expectError(await api.request(method, `/api/v1${path}`, { body, token: user }), 403, 'FORBIDDEN');
    }
  });

  describe('genres and actors', () => {
    it('creates, renames and deletes genres; names are unique (case-insensitively)', async () => {
      const created = await adm().post('/admin/genres', { name: '  Noir ' });
      expect(created.status).to.equal(201);
      expect(created.body).to.deep.equal({ id: created.body.id, name: 'Noir' });
      expectError(await adm().post('/admin/genres', { name: 'noir' }), 409, 'CONFLICT');
      const other = await adm().post('/admin/genres', { name: 'Western' });
      expectError(await adm().patch(`/admin/genres/${other.body.id}`, { name: 'NOIR' }), 409, 'CONFLICT');
      const renamed = await adm().patch(`/admin/genres/${created.body.id}`, { name: 'Film Noir' });
      expect(renamed.body).to.deep.equal({ id: created.body.id, name: 'Film Noir' });
      expect((await api.request('GET', '/api/v1/genres')).body.items.map((g: { name: string }) => g.name)).to.include('Film Noir');
      expect((await adm().del(`/admin/genres/${created.body.id}`)).status).to.equal(204);
      expectError(await adm().del(`/admin/genres/${created.body.id}`), 404, 'NOT_FOUND');
      expectError(await adm().patch('/admin/genres/999999', { name: 'X' }), 404, 'NOT_FOUND');
    });

    it('creates, renames and deletes actors (a deleted actor leaves the casts)', async () => {
      const a = await adm().post('/admin/actors', { name: 'Rui Sousa' });
      expect(a.status).to.equal(201);
      const movie = await createMovie({ actorIds: [a.body.id] });
      expect((await adm().patch(`/admin/actors/${a.body.id}`, { name: 'Rui M. Sousa' })).body.name).to.equal('Rui M. Sousa');
      expect((await api.request('GET', `/api/v1/movies/${movie.id}`)).body.actors[0].name).to.equal('Rui M. Sousa');
      expect((await adm().del(`/admin/actors/${a.body.id}`)).status).to.equal(204);
      expect((await api.request('GET', `/api/v1/movies/${movie.id}`)).body.actors).to.deep.equal([]);
    });

    it('refuses bad names with 400 and changes nothing', async () => {
      await refusedWithoutChange(
        [
          () => adm().post('/admin/genres', {}),
          () => adm().post('/admin/genres', { name: '   ' }),
          () => adm().post('/admin/genres', { name: 'x'.repeat(61) }),
          () => adm().post('/admin/actors', { name: 42 }),
          () => adm().post('/admin/actors', { name: 'x'.repeat(121) }),
          () => adm().patch('/admin/actors/1', { name: '' }),
          () => adm().del('/admin/genres/abc'),
        ],
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('movies', () => {
    it('creates a movie with genres and a cast in billing order', async () => {
      const g1 = (await adm().post('/admin/genres', { name: 'Heist' })).body.id;
      const g2 = (await adm().post('/admin/genres', { name: 'Caper' })).body.id;
      const a1 = (await adm().post('/admin/actors', { name: 'Zed Zane' })).body.id;
      const a2 = (await adm().post('/admin/actors', { name: 'Amy Apple' })).body.id;
      const res = await adm().post('/admin/movies', movieBody({ title: 'The Vault', genreIds: [g1, g2], actorIds: [a1, a2], posterUrl: 'https://img.test/v.png' }));
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.include({
        title: 'The Vault',
        runtimeMin: 105,
        posterUrl: 'https://img.test/v.png',
        releaseDate: '2026-11-20',
        availableFrom: '2026-11-20T00:00:00.000Z',
        availableUntil: '2027-01-31T00:00:00.000Z',
        showtimes: [],
      });
      expect(res.body.genres.map((g: { name: string }) => g.name)).to.deep.equal(['Caper', 'Heist']);
      expect(res.body.actors).to.deep.equal([
        { id: a1, name: 'Zed Zane', billingOrder: 1 },
        { id: a2, name: 'Amy Apple', billingOrder: 2 },
      ]);
      const read = await api.request('GET', `/api/v1/movies/${res.body.id}`);
      expect(read.body).to.deep.equal(res.body);
    });

    it('refuses unknown genre or actor ids with 422 and creates nothing', async () => {
      await refusedWithoutChange(
        [() => adm().post('/admin/movies', movieBody({ genreIds: [999999] })), () => adm().post('/admin/movies', movieBody({ actorIds: [999998] }))],
        422,
        'UNPROCESSABLE',
      );
    });

    it('refuses invalid movies with 400 and creates nothing', async () => {
      const bad: Record<string, unknown>[] = [
        { title: '' },
        { runtimeMin: 0 },
        { runtimeMin: 601 },
        { runtimeMin: 90.5 },
        { rating: 'TOO-LONG-9' },
        { posterUrl: 'ftp://img.test/x.png' },
        { posterUrl: 'not a url' },
        { releaseDate: '2026-02-30' },
        { availableFrom: '2026-11-20' },
        { availableFrom: '2026-11-20T00:00:00' },
        { availableUntil: '2026-11-20T00:00:00Z' },
        { availableUntil: '2026-11-19T00:00:00Z' },
        { genreIds: [1, 1] },
        { genreIds: ['1'] },
        { actorIds: [0] },
      ];
      await refusedWithoutChange(
        [...bad.map((b) => () => adm().post('/admin/movies', movieBody(b))), () => adm().post('/admin/movies', { title: 'Only a title' })],
        400,
        'VALIDATION_FAILED',
      );
    });

    it('PATCH changes only what is sent and replaces genre/cast lists', async () => {
      const m = await createMovie({ synopsis: 'Old synopsis' });
      const g = (await adm().post('/admin/genres', { name: 'Patchy' })).body.id;
      const res = await adm().patch(`/admin/movies/${m.id}`, { title: 'Renamed', genreIds: [g] });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ title: 'Renamed', synopsis: 'Old synopsis', runtimeMin: 105 });
      expect(res.body.genres).to.deep.equal([{ id: g, name: 'Patchy' }]);
      expect((await adm().patch(`/admin/movies/${m.id}`, { posterUrl: null })).body.posterUrl).to.equal(null);
      expect((await adm().patch(`/admin/movies/${m.id}`, {})).body.title).to.equal('Renamed');
      expectError(await adm().patch('/admin/movies/999999', { title: 'x' }), 404, 'NOT_FOUND');
      // The merged window must still be ordered.
      expectError(await adm().patch(`/admin/movies/${m.id}`, { availableUntil: '2026-11-01T00:00:00Z' }), 400, 'VALIDATION_FAILED');
      expect((await api.request('GET', `/api/v1/movies/${m.id}`)).body.availableUntil).to.equal('2027-01-31T00:00:00.000Z');
    });

    it('with upcoming showtimes: runtime is fixed, the window must keep them, and the movie cannot be deleted', async () => {
      const m = await createMovie();
      const h = await createHall();
      const st = await schedule(m.id, h.id, '2026-12-20T18:00:00Z');
      expect(st.status).to.equal(201);
      expectError(await adm().patch(`/admin/movies/${m.id}`, { runtimeMin: 130 }), 409, 'CONFLICT');
      expectError(await adm().patch(`/admin/movies/${m.id}`, { availableUntil: '2026-12-20T00:00:00Z' }), 409, 'CONFLICT');
      expect((await adm().patch(`/admin/movies/${m.id}`, { availableUntil: '2026-12-31T00:00:00Z', runtimeMin: 105 })).status).to.equal(200);
      const del = await adm().del(`/admin/movies/${m.id}`);
      expectError(del, 409, 'CONFLICT');
      expect(del.body.error.details.showtimeIds).to.deep.equal([st.body.id]);
      expect((await api.request('GET', `/api/v1/movies/${m.id}`)).status).to.equal(200);
    });

    it('deletes a movie without upcoming showtimes, with its unbooked past showtimes; refuses one with bookings', async () => {
      const m = await createMovie();
      const h = await createHall();
      const st = (await schedule(m.id, h.id, '2026-12-05T18:00:00Z')).body.id;
      clock.set('2026-12-06T08:00:00Z'); // the showtime is now in the past
      try {
        expect((await adm().del(`/admin/movies/${m.id}`)).status).to.equal(204);
        expect((await api.request('GET', `/api/v1/movies/${m.id}`)).status).to.equal(404);
        expect(Number((await deps.ds.query('SELECT COUNT(*) AS n FROM show_seats WHERE showtime_id = ?', [st]))[0].n)).to.equal(0);
      } finally {
        clock.set(NOW);
      }
      const kept = await createMovie();
      const st2 = (await schedule(kept.id, h.id, '2026-12-05T18:00:00Z')).body.id;
      await insertBooking(st2, 'EXPIRED');
      clock.set('2026-12-06T08:00:00Z');
      try {
        expectError(await adm().del(`/admin/movies/${kept.id}`), 409, 'CONFLICT');
      } finally {
        clock.set(NOW);
      }
    });
  });

  describe('hall layouts for the designer', () => {
    it('answers the layout letters and limits of core/hall-layout', async () => {
      const res = await adm().get('/admin/hall-layouts/rules');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        aisle: AISLE,
        symbols: Object.entries(LayoutSymbols).map(([symbol, seatType]) => ({ symbol, seatType, pricePercent: SeatTypePricePercent[seatType] })),
        maxRows: MAX_HALL_ROWS,
        maxCols: MAX_HALL_COLS,
      });
      expect(res.body.symbols.map((s: { symbol: string }) => s.symbol)).to.include.members(['R', 'P', 'V', 'A']);
    });

    it('previews a layout as a seat map priced like a showtime, or answers the write’s own 400, and stores nothing', async () => {
      const before = await counts();
      const ok = await adm().post('/admin/hall-layouts/preview', { layout: ['A.R', 'PVV'], basePrice: 1000 });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(ok.body).to.include({ rows: 2, cols: 3, seatCount: 5, currency: 'USD' });
      expect(ok.body.seats.map((s: { label: string; type: string; price: number; gridCol: number }) => `${s.label}:${s.type}:${s.price}@${s.gridCol}`)).to.deep.equal([
        'A1:accessible:1000@0',
        'A2:regular:1000@2',
        'B1:premium:1300@0',
        'B2:vip:1600@1',
        'B3:vip:1600@2',
      ]);
      expect(ok.body.seats[0]).to.include({ id: 1, row: 'A', number: 1, status: 'available', gridRow: 0 });
      const bad = await adm().post('/admin/hall-layouts/preview', { layout: ['RR', 'RXR'] });
      const write = await adm().post('/admin/halls', { name: 'Never stored', layout: ['RR', 'RXR'] });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.error.details).to.deep.equal(write.body.error.details);
      const [width, letter, ...rest] = bad.body.error.details.problems;
      expect(width).to.equal('row A has 2 columns; every row needs 3');
      expect(letter).to.match(/^row B column 2: unknown symbol "X"/);
      expect(rest).to.deep.equal([]);
      expect((await adm().post('/admin/hall-layouts/preview', { layout: ['R'], extra: true })).status).to.equal(400);
      expect(await counts()).to.deep.equal(before);
      expect((await as(user).post('/admin/hall-layouts/preview', { layout: ['R'] })).status).to.equal(403);
      expect((await as(user).get('/admin/hall-layouts/rules')).status).to.equal(403);
    });
  });

  describe('halls', () => {
    it('creates a hall from a layout and gives the layout back', async () => {
      const res = await adm().post('/admin/halls', { name: 'Studio 9', layout: ['AR.RA', 'PP.VV'] });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ id: res.body.id, name: 'Studio 9', rows: 2, cols: 5, seatCount: 8, layout: ['AR.RA', 'PP.VV'] });
      const detail = (await adm().get(`/admin/halls/${res.body.id}`)).body;
      expect(detail).to.deep.include(res.body);
      expect(detail.usage).to.deep.equal({ showtimes: 0, upcomingShowtimes: 0, bookings: 0, occupiedSeats: 0 });
      expect(detail.changes).to.deep.equal({
        rename: { allowed: true, reason: null },
        layout: { allowed: true, reason: null },
        remove: { allowed: true, reason: null },
      });
      const list = await adm().get('/admin/halls?limit=100');
      expect(list.body.items.map((h: { name: string }) => h.name)).to.include('Studio 9');
      expectError(await adm().get('/admin/halls/999999'), 404, 'NOT_FOUND');
      expectError(await adm().post('/admin/halls', { name: 'studio 9', layout: ['R'] }), 409, 'CONFLICT');
    });

    it('refuses an unusable layout with 400 listing every problem, and stores nothing', async () => {
      const before = await counts();
      const res = await adm().post('/admin/halls', { name: 'Broken', layout: ['RRR', 'RX', 'R?R'] });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.problems).to.deep.equal([
        'row B has 2 columns; every row needs 3',
        'row B column 2: unknown symbol "X" (use R, P, V, A, C or .)',
        'row C column 2: unknown symbol "?" (use R, P, V, A, C or .)',
      ]);
      for (const layout of [[], ['...'], Array(27).fill('R'), ['R'.repeat(61)]]) {
        const r = await adm().post('/admin/halls', { name: 'Broken', layout });
        expectError(r, 400, 'VALIDATION_FAILED');
        expect(r.body.error.details.problems).to.be.an('array').with.length.greaterThan(0);
      }
      for (const body of [{ name: 'Broken' }, { name: 'Broken', layout: 'RRR' }, { name: '', layout: ['R'] }, { name: 'Broken', layout: [1] }]) {
        expectError(await adm().post('/admin/halls', body), 400, 'VALIDATION_FAILED');
      }
      expect(await counts()).to.deep.equal(before);
    });

    it('changes the layout of a hall nobody booked: seats rebuilt for its showtimes, version bumped', async () => {
      const m = await createMovie();
      const h = await createHall(['RR']);
      const st = (await schedule(m.id, h.id, '2026-12-10T18:00:00Z', 1000)).body.id;
      const res = await adm().patch(`/admin/halls/${h.id}`, { layout: ['RRR', '.V.'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ rows: 2, cols: 3, seatCount: 4 });
      const map = await api.request('GET', `/api/v1/showtimes/${st}/seats`);
      expect(map.body.version).to.equal(1);
      expect(map.body.seats.map((s: { label: string; price: number }) => `${s.label}:${s.price}`)).to.deep.equal([
        'A1:1000',
        'A2:1000',
        'A3:1000',
        'B1:1600',
      ]);
      const renamed = await adm().patch(`/admin/halls/${h.id}`, { name: `Renamed ${h.id}` });
      expect(renamed.body).to.include({ name: `Renamed ${h.id}`, seatCount: 4 });
      expect((await api.request('GET', `/api/v1/showtimes/${st}/seats`)).body.version).to.equal(1);
    });

    it('refuses a layout change while a showtime in the hall has a booking or a held seat', async () => {
      const m = await createMovie();
      const h = await createHall(['RR']);
      const st = (await schedule(m.id, h.id, '2026-12-11T18:00:00Z')).body.id;
      await deps.ds.query("UPDATE show_seats SET status = 'held', held_until = ? WHERE showtime_id = ? LIMIT 1", [
        new Date('2026-12-01T08:10:00Z'),
        st,
      ]);
      await refusedWithoutChange([() => adm().patch(`/admin/halls/${h.id}`, { layout: ['RRR'] })], 409, 'CONFLICT');
      // The hall's page says so beforehand, in the API's own words.
      const held = (await adm().get(`/admin/halls/${h.id}`)).body;
      expect(held.usage).to.deep.equal({ showtimes: 1, upcomingShowtimes: 1, bookings: 0, occupiedSeats: 1 });
      expect(held.changes.layout.allowed).to.equal(false);
      expect(held.changes.layout.reason).to.match(/0 booking\(s\) and 1 held or booked seat\(s\).*Renaming is still allowed/);
      expect(held.changes.remove).to.deep.equal({ allowed: false, reason: '1 showtime(s) use this hall: delete or move them first.' });
      await deps.ds.query("UPDATE show_seats SET status = 'available', held_until = NULL WHERE showtime_id = ?", [st]);
      expect((await adm().get(`/admin/halls/${h.id}`)).body.changes.layout).to.deep.equal({
        allowed: true,
        reason: 'Its 1 showtime(s) get fresh seats in the new layout; nobody has booked them yet.',
      });
      await insertBooking(st, 'CANCELLED');
      const res = await adm().patch(`/admin/halls/${h.id}`, { layout: ['RRR'] });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.details).to.deep.equal({ bookings: 1, occupiedSeats: 0 });
      expect((await adm().get(`/admin/halls/${h.id}`)).body.layout).to.deep.equal(['RR']);
      await refusedWithoutChange([() => adm().patch(`/admin/halls/${h.id}`, { layout: ['RZ'] })], 400, 'VALIDATION_FAILED');
    });

    it('deletes a hall only while no showtime uses it', async () => {
      const m = await createMovie();
      const used = await createHall();
      await schedule(m.id, used.id, '2026-12-12T18:00:00Z');
      expectError(await adm().del(`/admin/halls/${used.id}`), 409, 'CONFLICT');
      const free = await createHall();
      expect((await adm().del(`/admin/halls/${free.id}`)).status).to.equal(204);
      expectError(await adm().get(`/admin/halls/${free.id}`), 404, 'NOT_FOUND');
      expect(Number((await deps.ds.query('SELECT COUNT(*) AS n FROM hall_seats WHERE hall_id = ?', [free.id]))[0].n)).to.equal(0);
    });
  });

  describe('showtimes', () => {
    let movie: { id: number; runtimeMin: number };
    let hall: { id: number; seatCount: number };
    let otherHall: { id: number };
    const FIRST = '2026-12-15T18:00:00.000Z';
    const firstEnd = plusMinutes(FIRST, 105 + BUFFER_MIN);

    before(async () => {
      movie = await createMovie({ availableFrom: '2026-12-14T00:00:00Z', availableUntil: '2026-12-20T00:00:00Z' });
      hall = await createHall(['RRPV']);
      otherHall = await createHall(['RR']);
    });

    it('schedules a showtime: ends_at = start + runtime + cleaning buffer, one priced seat per hall seat', async () => {
      const res = await schedule(movie.id, hall.id, '2026-12-15T19:00:00+01:00', 1000);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.include({
        movieId: movie.id,
        hallId: hall.id,
        startsAt: FIRST,
        endsAt: firstEnd,
        basePrice: 1000,
        currency: 'USD',
        status: 'scheduled',
        seatVersion: 0,
        seats: { total: 4, available: 4, held: 0, booked: 0 },
      });
      const map = await api.request('GET', `/api/v1/showtimes/${res.body.id}/seats`);
      expect(map.body.seats.map((s: { price: number }) => s.price)).to.deep.equal([1000, 1000, 1300, 1600]);
    });

    it('refuses an overlap of one minute (409 SHOWTIME_OVERLAP naming the clash) and allows touching intervals', async () => {
      const [first] = await deps.ds.query('SELECT id FROM showtimes WHERE hall_id = ? AND starts_at = ?', [hall.id, new Date(FIRST)]);
      const before = await counts();
      const late = await schedule(movie.id, hall.id, plusMinutes(firstEnd, -1));
      expectError(late, 409, 'SHOWTIME_OVERLAP');
      expect(late.body.error.details.conflictingShowtime).to.deep.equal({
        id: first.id,
        movieId: movie.id,
        hallId: hall.id,
        startsAt: FIRST,
        endsAt: firstEnd,
      });
      const early = await schedule(movie.id, hall.id, plusMinutes(FIRST, -(105 + BUFFER_MIN) + 1));
      expectError(early, 409, 'SHOWTIME_OVERLAP');
      expectError(await schedule(movie.id, hall.id, plusMinutes(FIRST, 30)), 409, 'SHOWTIME_OVERLAP');
      expect(await counts()).to.deep.equal(before);

      expect((await schedule(movie.id, hall.id, firstEnd)).status).to.equal(201); // starts as the first one ends
      expect((await schedule(movie.id, hall.id, plusMinutes(FIRST, -(105 + BUFFER_MIN)))).status).to.equal(201); // ends as it starts
      expect((await schedule(movie.id, otherHall.id, plusMinutes(FIRST, 10))).status).to.equal(201); // another hall
    });

    it('a cancelled showtime does not block its slot', async () => {
      const st = await schedule(movie.id, otherHall.id, '2026-12-16T12:00:00Z');
      await deps.ds.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [st.body.id]);
      expect((await schedule(movie.id, otherHall.id, '2026-12-16T12:30:00Z')).status).to.equal(201);
    });

    it('two concurrent creates for one slot: exactly one wins', async () => {
      const h = await createHall(['RRR']);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => schedule(movie.id, h.id, plusMinutes('2026-12-17T18:00:00Z', i))));
      expect(results.filter((r) => r.status === 201)).to.have.length(1);
      for (const r of results.filter((x) => x.status !== 201)) expectError(r, 409, 'SHOWTIME_OVERLAP');
      expect(Number((await deps.ds.query('SELECT COUNT(*) AS n FROM showtimes WHERE hall_id = ?', [h.id]))[0].n)).to.equal(1);
    });

    it("must lie inside the movie's screening window and in the future (422), and name existing things", async () => {
      await refusedWithoutChange(
        [
          () => schedule(movie.id, hall.id, '2026-12-13T22:00:00Z'), // starts before availableFrom
          () => schedule(movie.id, hall.id, '2026-12-19T23:00:00Z'), // ends after availableUntil
          () => schedule(movie.id, hall.id, '2026-12-01T07:00:00Z'), // in the past
          () => schedule(999999, hall.id, '2026-12-18T10:00:00Z'),
          () => schedule(movie.id, 999999, '2026-12-18T10:00:00Z'),
        ],
        422,
        'UNPROCESSABLE',
      );
      const lastFit = plusMinutes('2026-12-20T00:00:00.000Z', -(105 + BUFFER_MIN));
      expect((await schedule(movie.id, hall.id, lastFit)).status).to.equal(201);
    });

    it('refuses malformed showtimes with 400 and changes nothing', async () => {
      const ok = { movieId: movie.id, hallId: hall.id, startsAt: '2026-12-18T10:00:00Z', basePrice: 1000, currency: 'USD' };
      const bad: Record<string, unknown>[] = [
        { basePrice: -1 },
        { basePrice: 10.5 },
        { basePrice: '1000' },
        { currency: 'usd' },
        { currency: 'DOLLARS' },
        { startsAt: '2026-12-18T10:00:00' },
        { startsAt: '2026-12-18' },
        { startsAt: '3026-12-18T10:00:00Z' },
        { movieId: '1' },
        { hallId: 0 },
      ];
      await refusedWithoutChange(
        [...bad.map((b) => () => adm().post('/admin/showtimes', { ...ok, ...b })), () => adm().post('/admin/showtimes', {})],
        400,
        'VALIDATION_FAILED',
      );
    });

    it('PATCH moves, re-halls and re-prices an unbooked showtime, keeping the rules', async () => {
      const st = (await schedule(movie.id, otherHall.id, '2026-12-18T09:00:00Z', 900)).body;
      const moved = await adm().patch(`/admin/showtimes/${st.id}`, { startsAt: '2026-12-18T09:30:00Z' });
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      expect(moved.body).to.include({ startsAt: '2026-12-18T09:30:00.000Z', endsAt: plusMinutes('2026-12-18T09:30:00Z', 105 + BUFFER_MIN) });
      expect(moved.body.seatVersion).to.equal(0);
      const rehalled = await adm().patch(`/admin/showtimes/${st.id}`, { hallId: hall.id, basePrice: 2000 });
      expect(rehalled.status, JSON.stringify(rehalled.body)).to.equal(200);
      expect(rehalled.body).to.deep.include({ hallId: hall.id, basePrice: 2000, seatVersion: 1, seats: { total: 4, available: 4, held: 0, booked: 0 } });
      const map = await api.request('GET', `/api/v1/showtimes/${st.id}/seats`);
      expect(map.body.seats.map((s: { price: number }) => s.price)).to.deep.equal([2000, 2000, 2600, 3200]);
      expectError(await adm().patch(`/admin/showtimes/${st.id}`, { startsAt: '2026-12-15T18:30:00Z' }), 409, 'SHOWTIME_OVERLAP');
      expectError(await adm().patch(`/admin/showtimes/${st.id}`, { startsAt: '2026-12-25T09:00:00Z' }), 422, 'UNPROCESSABLE');
      expectError(await adm().patch('/admin/showtimes/999999', { basePrice: 1 }), 404, 'NOT_FOUND');
      expectError(await adm().patch(`/admin/showtimes/${st.id}`, { basePrice: -5 }), 400, 'VALIDATION_FAILED');
    });

    it('a showtime with bookings or held seats cannot be moved or deleted (409), and nothing changes', async () => {
      const st = (await schedule(movie.id, otherHall.id, '2026-12-19T09:00:00Z')).body;
      await insertBooking(st.id, 'EXPIRED');
      await refusedWithoutChange(
        [
          () => adm().patch(`/admin/showtimes/${st.id}`, { startsAt: '2026-12-19T12:00:00Z' }),
          () => adm().patch(`/admin/showtimes/${st.id}`, { hallId: hall.id }),
          () => adm().del(`/admin/showtimes/${st.id}`),
        ],
        409,
        'CONFLICT',
      );
      expect((await api.request('GET', `/api/v1/showtimes/${st.id}`)).body.startsAt).to.equal('2026-12-19T09:00:00.000Z');
      const held = (await schedule(movie.id, otherHall.id, '2026-12-19T14:00:00Z')).body;
      await deps.ds.query("UPDATE show_seats SET status = 'booked' WHERE showtime_id = ? LIMIT 1", [held.id]);
      await refusedWithoutChange([() => adm().del(`/admin/showtimes/${held.id}`)], 409, 'CONFLICT');
    });

    it('deletes an unbooked showtime with its seats', async () => {
      const st = (await schedule(movie.id, otherHall.id, '2026-12-19T18:00:00Z')).body;
      expect((await adm().del(`/admin/showtimes/${st.id}`)).status).to.equal(204);
      expect((await api.request('GET', `/api/v1/showtimes/${st.id}`)).status).to.equal(404);
      expect(Number((await deps.ds.query('SELECT COUNT(*) AS n FROM show_seats WHERE showtime_id = ?', [st.id]))[0].n)).to.equal(0);
      expectError(await adm().del(`/admin/showtimes/${st.id}`), 404, 'NOT_FOUND');
    });

    it('the admin list shows every showtime, cancelled and past included, with filters', async () => {
      const all = await adm().get(`/admin/showtimes?movie=${movie.id}&limit=100`);
      expect(all.status).to.equal(200);
      const statuses = new Set(all.body.items.map((s: { status: string }) => s.status));
      expect([...statuses].sort()).to.deep.equal(['cancelled', 'scheduled']);
      const cancelled = await adm().get(`/admin/showtimes?movie=${movie.id}&status=cancelled`);
      expect(cancelled.body.total).to.equal(1);
      const day = await adm().get(`/admin/showtimes?hall=${hall.id}&from=2026-12-15&to=2026-12-15`);
      const dayStarts: string[] = day.body.items.map((s: { startsAt: string }) => s.startsAt);
      expect(dayStarts).to.include(FIRST);
      expect(dayStarts.every((t) => t.startsWith('2026-12-15')), dayStarts.join()).to.equal(true);
      expectError(await adm().get('/admin/showtimes?status=gone'), 400, 'VALIDATION_FAILED');
    });
  });
});
