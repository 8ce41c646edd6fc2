import { expect } from 'chai';
import { parseHallLayout, type HallGrid } from '../../core/hall-layout.js';
import * as halls from '../../db/halls.js';
import * as showtimes from '../../db/showtimes.js';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * A small catalogue whose every answer is known, at a fixed "now" of
 * 2026-12-01 08:00 UTC:
 *
 *   Alpha Storm  2026-11-01  window [11-01, 12-15)  Drama, Sci-Fi  cast Bo Chen, Ana Lima
 *   Beta Laughs  2026-11-20  window [11-20, 01-01)  Comedy         cast Cy Diaz      synopsis has "100%"
 *   Delta Old    2026-06-01  window [06-01, 09-01)  Drama
 *   Gamma_Ray    2026-12-10  window [12-10, 02-01)  Sci-Fi         cast Ana Lima
 *
 * Showtimes (hall Main unless noted): S1 Alpha 12-02 10:00, S2 Beta 12-02 14:00,
 * S3 Alpha 12-03 10:00, S4 Beta 11-30 10:00 (past), S5 Gamma 12-11 10:00
 * (cancelled), S6 Alpha 12-01 07:00 in hall Side (already started).
 */
const NOW = '2026-12-01T08:00:00.000Z';

describe('catalog: movies, genres, actors, showtimes', function () {
  this.timeout(60_000);
  const clock = fixedClock(NOW);
  let deps: TestDeps;
  let api: TestApi;
  const id: Record<string, number> = {};

  const get = (path: string) => api.request('GET', `/api/v1${path}`);
  const titles = async (query: string): Promise<string[]> => {
    const res = await get(`/movies${query}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.items.map((m: { title: string }) => m.title);
  };
  const showtimeIds = async (path: string): Promise<number[]> => {
    const res = await get(path);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.items.map((s: { id: number }) => s.id);
  };
  const expect400 = async (path: string): Promise<void> => {
    const res = await get(path);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
  };

  before(async () => {
    deps = await createTestDeps('catalog', { clock });
    const q = (sql: string, params: unknown[] = []) => deps.ds.query(sql, params);
    for (const g of ['Drama', 'Comedy', 'Sci-Fi']) id[g] = (await q('INSERT INTO genres (name) VALUES (?)', [g])).insertId;
    for (const a of ['Ana Lima', 'Bo Chen', 'Cy Diaz']) id[a] = (await q('INSERT INTO actors (name) VALUES (?)', [a])).insertId;
    const movie = async (title: string, synopsis: string, release: string, until: string, genres: string[], cast: string[]) => {
      const r = await q(
        `INSERT INTO movies (title, synopsis, runtime_min, rating, poster_url, release_date, available_from, available_until, created_at)
         VALUES (?, ?, 100, 'PG', NULL, ?, ?, ?, ?)`,
        [title, synopsis, release, new Date(`${release}T00:00:00Z`), new Date(`${until}T00:00:00Z`), new Date(NOW)],
      );
      id[title] = r.insertId;
      for (const g of genres) await q('INSERT INTO movie_genres (movie_id, genre_id) VALUES (?, ?)', [r.insertId, id[g]]);
      for (const [i, a] of cast.entries()) {
        await q('INSERT INTO movie_actors (movie_id, actor_id, billing_order) VALUES (?, ?, ?)', [r.insertId, id[a], i + 1]);
      }
    };
    await movie('Alpha Storm', 'A storm over the sea.', '2026-11-01', '2026-12-15', ['Drama', 'Sci-Fi'], ['Bo Chen', 'Ana Lima']);
    await movie('Beta Laughs', 'A comedy of errors, 100% true.', '2026-11-20', '2027-01-01', ['Comedy'], ['Cy Diaz']);
    await movie('Delta Old', 'An old classic.', '2026-06-01', '2026-09-01', ['Drama'], []);
    await movie('Gamma_Ray', 'A lab accident.', '2026-12-10', '2027-02-01', ['Sci-Fi'], ['Ana Lima']);
    await deps.ds.transaction(async (m) => {
      const grid = (layout: string[]) => parseHallLayout(layout) as HallGrid;
      id.Main = await halls.create(m, 'Main', grid(['RRR', 'PPP']));
      id.Side = await halls.create(m, 'Side', grid(['RR']));
      const show = async (name: string, title: string, hall: string, startsAt: string) => {
        const start = new Date(startsAt);
        id[name] = await showtimes.create(m, {
          movieId: id[title]!,
          hallId: id[hall]!,
          startsAt: start,
          endsAt: showtimes.showtimeEnd(start, 100, 15),
          basePrice: 1000,
          currency: 'USD',
          createdAt: new Date(NOW),
        });
      };
      await show('S1', 'Alpha Storm', 'Main', '2026-12-02T10:00:00Z');
      await show('S2', 'Beta Laughs', 'Main', '2026-12-02T14:00:00Z');
      await show('S3', 'Alpha Storm', 'Main', '2026-12-03T10:00:00Z');
      await show('S4', 'Beta Laughs', 'Main', '2026-11-30T10:00:00Z');
      await show('S5', 'Gamma_Ray', 'Main', '2026-12-11T10:00:00Z');
      await show('S6', 'Alpha Storm', 'Side', '2026-12-01T07:00:00Z');
      await m.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [id.S5]);
    });
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  describe('GET /movies', () => {
    it('lists every movie by title with its genres, in the page shape', async () => {
      const res = await get('/movies');
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ total: 4, limit: 20, offset: 0 });
      expect(res.body.items.map((m: { title: string }) => m.title)).to.deep.equal(['Alpha Storm', 'Beta Laughs', 'Delta Old', 'Gamma_Ray']);
      const alpha = res.body.items[0];
      expect(alpha).to.deep.equal({
        id: id['Alpha Storm'],
        title: 'Alpha Storm',
        synopsis: 'A storm over the sea.',
        runtimeMin: 100,
        rating: 'PG',
        posterUrl: null,
        releaseDate: '2026-11-01',
        availableFrom: '2026-11-01T00:00:00.000Z',
        availableUntil: '2026-12-15T00:00:00.000Z',
        genres: [
          { id: id.Drama, name: 'Drama' },
          { id: id['Sci-Fi'], name: 'Sci-Fi' },
        ],
      });
    });

    it('q searches titles, synopses and actor names, case-insensitively, with % and _ taken literally', async () => {
      expect(await titles('?q=STORM')).to.deep.equal(['Alpha Storm']);
      expect(await titles('?q=errors')).to.deep.equal(['Beta Laughs']);
      expect(await titles('?q=lima')).to.deep.equal(['Alpha Storm', 'Gamma_Ray']);
      expect(await titles(`?q=${encodeURIComponent('%')}`)).to.deep.equal(['Beta Laughs']);
      expect(await titles('?q=_')).to.deep.equal(['Gamma_Ray']);
      expect(await titles('?q=zzz')).to.deep.equal([]);
      expect(await titles('?q=')).to.have.length(4);
      expect(await titles('?q=%20%20')).to.have.length(4);
    });

    it('genre takes an id or a name', async () => {
      expect(await titles('?genre=Drama')).to.deep.equal(['Alpha Storm', 'Delta Old']);
      expect(await titles('?genre=drama')).to.deep.equal(['Alpha Storm', 'Delta Old']);
      expect(await titles(`?genre=${id['Sci-Fi']}`)).to.deep.equal(['Alpha Storm', 'Gamma_Ray']);
      expect(await titles('?genre=Western')).to.deep.equal([]);
      expect(await titles('?genre=999999')).to.deep.equal([]);
    });

    it('actor filters by cast member id', async () => {
      expect(await titles(`?actor=${id['Ana Lima']}`)).to.deep.equal(['Alpha Storm', 'Gamma_Ray']);
      expect(await titles(`?actor=${id['Cy Diaz']}`)).to.deep.equal(['Beta Laughs']);
      expect(await titles('?actor=999999')).to.deep.equal([]);
    });

    it('date keeps movies with a scheduled showtime starting that UTC day', async () => {
      expect(await titles('?date=2026-12-02')).to.deep.equal(['Alpha Storm', 'Beta Laughs']);
      expect(await titles('?date=2026-12-03')).to.deep.equal(['Alpha Storm']);
      expect(await titles('?date=2026-11-30')).to.deep.equal(['Beta Laughs']);
      expect(await titles('?date=2026-12-01')).to.deep.equal(['Alpha Storm']);
      expect(await titles('?date=2026-12-11')).to.deep.equal([]); // only a cancelled showtime
      expect(await titles('?date=2026-12-04')).to.deep.equal([]);
    });

    it('available_on keeps movies whose screening window overlaps that UTC day', async () => {
      expect(await titles('?available_on=2026-12-09')).to.deep.equal(['Alpha Storm', 'Beta Laughs']);
      expect(await titles('?available_on=2026-12-14')).to.deep.equal(['Alpha Storm', 'Beta Laughs', 'Gamma_Ray']);
      expect(await titles('?available_on=2026-12-15')).to.deep.equal(['Beta Laughs', 'Gamma_Ray']); // until is exclusive
      expect(await titles('?available_on=2026-07-01')).to.deep.equal(['Delta Old']);
      expect(await titles('?available_on=2026-09-01')).to.deep.equal([]);
    });

    it('combines filters with AND', async () => {
      expect(await titles(`?genre=Sci-Fi&available_on=2026-12-12`)).to.deep.equal(['Alpha Storm', 'Gamma_Ray']);
      expect(await titles('?q=lima&date=2026-12-02')).to.deep.equal(['Alpha Storm']);
      expect(await titles(`?actor=${id['Ana Lima']}&genre=Drama&available_on=2026-12-12`)).to.deep.equal(['Alpha Storm']);
    });

    it('sorts by title (default), release_date or -release_date', async () => {
      expect(await titles('?sort=title')).to.deep.equal(['Alpha Storm', 'Beta Laughs', 'Delta Old', 'Gamma_Ray']);
      expect(await titles('?sort=release_date')).to.deep.equal(['Delta Old', 'Alpha Storm', 'Beta Laughs', 'Gamma_Ray']);
      expect(await titles('?sort=-release_date')).to.deep.equal(['Gamma_Ray', 'Beta Laughs', 'Alpha Storm', 'Delta Old']);
    });

    it('paginates: limit 1, the last page, offset past the end', async () => {
      const first = await get('/movies?limit=1');
      expect(first.body).to.deep.include({ total: 4, limit: 1, offset: 0 });
      expect(first.body.items.map((m: { title: string }) => m.title)).to.deep.equal(['Alpha Storm']);
      expect(await titles('?limit=1&offset=3')).to.deep.equal(['Gamma_Ray']);
      expect(await titles('?limit=3&offset=2')).to.deep.equal(['Delta Old', 'Gamma_Ray']);
      const past = await get('/movies?offset=4');
      expect(past.body).to.deep.equal({ items: [], total: 4, limit: 20, offset: 4 });
      expect((await get('/movies?offset=1000')).body.items).to.deep.equal([]);
      expect((await get('/movies?limit=100')).body.items).to.have.length(4);
    });

    it('rejects bad parameters with 400', async () => {
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=-1',
        'limit=abc',
        'limit=1.5',
        'offset=-1',
        'date=2026-13-01',
        'date=2026-02-30',
        'date=12/01/2026',
        'date=1800-01-01',
        'available_on=tomorrow',
        'sort=rating',
        'actor=0',
        'actor=abc',
        `q=${'x'.repeat(101)}`,
        `genre=${'x'.repeat(61)}`,
      ]) {
        await expect400(`/movies?${query}`);
      }
    });
  });

  describe('GET /movies/:id and /movies/:id/showtimes', () => {
    it('gives genres, the cast in billing order and the upcoming scheduled showtimes', async () => {
      const res = await get(`/movies/${id['Alpha Storm']}`);
      expect(res.status).to.equal(200);
      expect(res.body.actors).to.deep.equal([
        { id: id['Bo Chen'], name: 'Bo Chen', billingOrder: 1 },
        { id: id['Ana Lima'], name: 'Ana Lima', billingOrder: 2 },
      ]);
      expect(res.body.genres.map((g: { name: string }) => g.name)).to.deep.equal(['Drama', 'Sci-Fi']);
      // S6 started at 07:00, before "now": not upcoming.
      expect(res.body.showtimes.map((s: { id: number }) => s.id)).to.deep.equal([id.S1, id.S3]);
      expect(res.body.showtimes[0]).to.deep.include({
        startsAt: '2026-12-02T10:00:00.000Z',
        endsAt: '2026-12-02T11:55:00.000Z',
        status: 'scheduled',
        seats: { total: 6, available: 6, held: 0, booked: 0 },
      });
      const gamma = await get(`/movies/${id.Gamma_Ray}`);
      expect(gamma.body.showtimes).to.deep.equal([]); // its only showtime is cancelled
    });

    it('404 for an unknown movie, 400 for a malformed id', async () => {
      const res = await get('/movies/999999');
      expect(res.status).to.equal(404);
      expect(res.body.error).to.include({ code: 'NOT_FOUND' });
      await expect400('/movies/abc');
      await expect400('/movies/0');
      expect((await get('/movies/999999/showtimes')).status).to.equal(404);
    });

    it("lists a movie's upcoming showtimes, optionally for one day", async () => {
      expect(await showtimeIds(`/movies/${id['Alpha Storm']}/showtimes`)).to.deep.equal([id.S1, id.S3]);
      expect(await showtimeIds(`/movies/${id['Alpha Storm']}/showtimes?date=2026-12-03`)).to.deep.equal([id.S3]);
      expect(await showtimeIds(`/movies/${id['Beta Laughs']}/showtimes?date=2026-11-30`)).to.deep.equal([]); // past
      await expect400(`/movies/${id['Alpha Storm']}/showtimes?date=2026-12-32`);
    });
  });

  describe('GET /genres and /actors', () => {
    it('lists genres by name', async () => {
      const res = await get('/genres');
      expect(res.body).to.deep.equal({
        items: [
          { id: id.Comedy, name: 'Comedy' },
          { id: id.Drama, name: 'Drama' },
          { id: id['Sci-Fi'], name: 'Sci-Fi' },
        ],
        total: 3,
        limit: 100,
        offset: 0,
      });
      expect((await get('/genres?limit=1&offset=2')).body.items).to.deep.equal([{ id: id['Sci-Fi'], name: 'Sci-Fi' }]);
    });

    it('lists and searches actors by name', async () => {
      expect((await get('/actors')).body.items.map((a: { name: string }) => a.name)).to.deep.equal(['Ana Lima', 'Bo Chen', 'Cy Diaz']);
      const res = await get('/actors?q=LI');
      expect(res.body).to.deep.equal({ items: [{ id: id['Ana Lima'], name: 'Ana Lima' }], total: 1, limit: 50, offset: 0 });
      expect((await get('/actors?q=%25')).body.items).to.deep.equal([]);
      await expect400('/actors?limit=0');
    });
  });

  describe('GET /showtimes and /showtimes/:id', () => {
    it('lists upcoming scheduled showtimes, soonest first (no past, started or cancelled ones)', async () => {
      const res = await get('/showtimes');
      expect(res.body).to.include({ total: 3, limit: 20, offset: 0 });
      expect(res.body.items.map((s: { id: number }) => s.id)).to.deep.equal([id.S1, id.S2, id.S3]);
      expect(res.body.items[1]).to.deep.include({
        movieId: id['Beta Laughs'],
        hallId: id.Main,
        basePrice: 1000,
        currency: 'USD',
        movie: { id: id['Beta Laughs'], title: 'Beta Laughs', runtimeMin: 100, rating: 'PG', posterUrl: null },
        hall: { id: id.Main, name: 'Main', rows: 2, cols: 3 },
      });
    });

    it('filters by movie, hall and day, and paginates', async () => {
      expect(await showtimeIds(`/showtimes?movie=${id['Beta Laughs']}`)).to.deep.equal([id.S2]);
      expect(await showtimeIds(`/showtimes?hall=${id.Side}`)).to.deep.equal([]);
      expect(await showtimeIds('/showtimes?date=2026-12-02')).to.deep.equal([id.S1, id.S2]);
      expect(await showtimeIds('/showtimes?date=2026-12-01')).to.deep.equal([]);
      expect(await showtimeIds(`/showtimes?movie=${id['Alpha Storm']}&date=2026-12-03`)).to.deep.equal([id.S3]);
      const page = await get('/showtimes?limit=1&offset=1');
      expect(page.body).to.include({ total: 3, limit: 1, offset: 1 });
      expect(page.body.items.map((s: { id: number }) => s.id)).to.deep.equal([id.S2]);
      for (const q of ['limit=0', 'limit=101', 'movie=x', 'hall=-2', 'date=2026-1-1']) await expect400(`/showtimes?${q}`);
    });

    it('shows one showtime (any status) with seats left; expired holds count as available', async () => {
      await deps.ds.query(
        `UPDATE show_seats SET status = 'held', checkout_id = 'chk_test', held_until = ? WHERE showtime_id = ? ORDER BY id LIMIT 2`,
        [new Date('2026-12-01T07:59:00Z'), id.S1],
      );
      await deps.ds.query(
        `UPDATE show_seats SET status = 'held', checkout_id = 'chk_test2', held_until = ? WHERE showtime_id = ? AND status = 'available' ORDER BY id LIMIT 1`,
        [new Date('2026-12-01T08:05:00Z'), id.S1],
      );
      await deps.ds.query(`UPDATE show_seats SET status = 'booked' WHERE showtime_id = ? AND status = 'available' ORDER BY id LIMIT 1`, [id.S1]);
      const res = await get(`/showtimes/${id.S1}`);
      expect(res.status).to.equal(200);
      expect(res.body.seats).to.deep.equal({ total: 6, available: 4, held: 1, booked: 1 });
      const cancelled = await get(`/showtimes/${id.S5}`);
      expect(cancelled.body.status).to.equal('cancelled');
      expect((await get('/showtimes/999999')).status).to.equal(404);
      await expect400('/showtimes/nope');
    });
  });
});
