import { expect } from 'chai';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { createShowtime, createUser, type TestUser } from '../support/fixtures.js';
import { startTestApi, type HttpReply, type TestApi } from '../support/http.js';

/**
 * The audit trail of admin actions, over real HTTP and MariaDB: every admin
 * write leaves one entry (who, what, when, which resource, what changed) in
 * the transaction of the change; a refused or empty change leaves none; admins
 * read it with filters and pages. Workflow-driven actions (cancellations,
 * releases) are covered with a worker in admin-bookings.test.ts.
 */
const NOW = '2026-12-01T08:00:00.000Z';

interface Entry {
  id: number;
  at: string;
  actor: { id: number; role: string; email: string | null };
  action: string;
  resource: { type: string; id: string };
  changes: Record<string, unknown>;
  workflowId: string | null;
  workflowUrl: string | null;
  requestId: string | null;
}

describe('audit trail of admin actions', function () {
  this.timeout(60_000);
  const clock = fixedClock(NOW);
  let deps: TestDeps;
  let api: TestApi;
  let admin: TestUser;
  let other: TestUser;

  const call = (token: string, method: string, path: string, body?: unknown) => api.request(method, `/api/v1${path}`, { token, body });
  const adm = (method: string, path: string, body?: unknown) => call(admin.token, method, path, body);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ok = (res: HttpReply<any>, status = 200) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    return res;
  };
  const trail = async (query = ''): Promise<{ items: Entry[]; total: number }> => ok(await adm('GET', `/admin/audit${query}`)).body;
  const entryCount = async () => Number((await deps.ds.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n);
  /** The newest entry, after checking the request left exactly one. */
  const lastEntry = async (before: number): Promise<Entry> => {
    expect(await entryCount()).to.equal(before + 1);
    return (await trail('?limit=1')).items[0]!;
  };

  before(async () => {
    deps = await createTestDeps('audit', { clock, config: { JWT_TTL_SECONDS: String(365 * 86_400) } });
    api = await startTestApi(deps);
    [admin, other] = await Promise.all([createUser(deps, 'admin'), createUser(deps, 'admin')]);
  });
  after(async () => {
    await api?.close();
    await deps?.close();
  });

  it('records who created, changed and deleted a genre, an actor and a movie, with what changed and the request id', async () => {
    let n = await entryCount();
    const genre = ok(await adm('POST', '/admin/genres', { name: 'Noir' }), 201);
    const created = await lastEntry(n);
    expect(created).to.deep.include({
      at: NOW,
      action: 'genre.create',
      resource: { type: 'genre', id: String(genre.body.id) },
      changes: { name: 'Noir' },
      workflowId: null,
      workflowUrl: null,
      requestId: genre.headers.get('x-request-id'),
    });
    expect(created.actor).to.deep.equal({ id: admin.id, role: 'admin', email: admin.email, name: 'Test User' });

    n = await entryCount();
    ok(await adm('PATCH', `/admin/genres/${genre.body.id}`, { name: 'Neo-noir' }));
    expect((await lastEntry(n)).changes).to.deep.equal({ name: { from: 'Noir', to: 'Neo-noir' } });

    const actor = ok(await adm('POST', '/admin/actors', { name: 'Ida Lupino' }), 201);
    n = await entryCount();
    const movie = ok(
      await adm('POST', '/admin/movies', {
        title: 'The Hitch-Hiker',
        synopsis: 'x'.repeat(500),
        runtimeMin: 71,
        rating: 'PG',
        releaseDate: '2026-11-20',
        availableFrom: '2026-11-20T00:00:00Z',
        availableUntil: '2027-01-31T00:00:00Z',
        genreIds: [genre.body.id],
        actorIds: [actor.body.id],
      }),
      201,
    );
    const movieEntry = await lastEntry(n);
    expect(movieEntry).to.deep.include({ action: 'movie.create', resource: { type: 'movie', id: String(movie.body.id) } });
    expect(movieEntry.changes).to.deep.include({ title: 'The Hitch-Hiker', runtimeMin: 71, availableFrom: '2026-11-20T00:00:00.000Z', genreIds: [genre.body.id] });
    // Long texts are cut: the trail says what changed, it does not copy the data.
    expect(movieEntry.changes.synopsis).to.equal(`${'x'.repeat(200)}…`);

    n = await entryCount();
    ok(await adm('PATCH', `/admin/movies/${movie.body.id}`, { rating: 'PG-13', runtimeMin: 71, genreIds: [] }));
    expect((await lastEntry(n)).changes).to.deep.equal({ rating: { from: 'PG', to: 'PG-13' }, genreIds: { from: [genre.body.id], to: [] } });

    n = await entryCount();
    ok(await adm('DELETE', `/admin/movies/${movie.body.id}`), 204);
    expect(await lastEntry(n)).to.deep.include({ action: 'movie.delete', changes: { title: 'The Hitch-Hiker', releaseDate: '2026-11-20' } });
    n = await entryCount();
    ok(await adm('DELETE', `/admin/actors/${actor.body.id}`), 204);
    expect(await lastEntry(n)).to.deep.include({ action: 'actor.delete', changes: { name: 'Ida Lupino' } });
  });

  it('records halls and showtimes: creation, a new layout with the showtimes it rebuilt, moves and deletion', async () => {
    const movie = ok(
      await adm('POST', '/admin/movies', {
        title: 'Schedule Film',
        runtimeMin: 90,
        rating: 'PG',
        releaseDate: '2026-11-20',
        availableFrom: '2026-11-20T00:00:00Z',
        availableUntil: '2027-01-31T00:00:00Z',
      }),
      201,
    ).body;
    let n = await entryCount();
    const hall = ok(await adm('POST', '/admin/halls', { name: 'Audit Hall', layout: ['RR', 'PP'] }), 201).body;
    expect(await lastEntry(n)).to.deep.include({ action: 'hall.create', changes: { name: 'Audit Hall', layout: ['RR', 'PP'], seats: 4 } });

    n = await entryCount();
    const show = ok(await adm('POST', '/admin/showtimes', { movieId: movie.id, hallId: hall.id, startsAt: '2026-12-10T18:00:00Z', basePrice: 1000 }), 201).body;
    expect((await lastEntry(n)).changes).to.deep.equal({
      movieId: movie.id,
      hallId: hall.id,
      startsAt: '2026-12-10T18:00:00.000Z',
      endsAt: '2026-12-10T19:45:00.000Z',
      basePrice: 1000,
      currency: 'USD',
    });

    n = await entryCount();
    ok(await adm('PATCH', `/admin/halls/${hall.id}`, { name: 'Audit Hall 2', layout: ['RRV'] }));
    expect((await lastEntry(n)).changes).to.deep.equal({
      name: { from: 'Audit Hall', to: 'Audit Hall 2' },
      layout: { from: ['RR', 'PP'], to: ['RRV'] },
      seats: { from: 4, to: 3 },
      showtimesRebuilt: [show.id],
    });

    n = await entryCount();
    ok(await adm('PATCH', `/admin/showtimes/${show.id}`, { startsAt: '2026-12-10T20:00:00+00:00', basePrice: 1000 }));
    expect(await lastEntry(n)).to.deep.include({
      action: 'showtime.update',
      resource: { type: 'showtime', id: String(show.id) },
      changes: { startsAt: { from: '2026-12-10T18:00:00.000Z', to: '2026-12-10T20:00:00.000Z' } },
    });

    n = await entryCount();
    ok(await adm('DELETE', `/admin/showtimes/${show.id}`), 204);
    expect(await lastEntry(n)).to.deep.include({
      action: 'showtime.delete',
      changes: { movieId: movie.id, hallId: hall.id, startsAt: '2026-12-10T20:00:00.000Z', status: 'scheduled' },
    });
    n = await entryCount();
    ok(await adm('DELETE', `/admin/halls/${hall.id}`), 204);
    expect(await lastEntry(n)).to.deep.include({ action: 'hall.delete', changes: { name: 'Audit Hall 2', layout: ['RRV'] } });
  });

  it('records prices: promo codes created, changed and deleted, a default ticket type changed, a showtime’s own ticket types', async () => {
    let n = await entryCount();
    const code = ok(await adm('POST', '/admin/promo-codes', { code: 'winter5', kind: 'percent', value: 5, perUserLimit: 1 }), 201);
    const created = await lastEntry(n);
    expect(created).to.deep.include({ action: 'promo-code.create', resource: { type: 'promo-code', id: String(code.body.id) } });
    expect(created.changes).to.deep.include({ code: 'WINTER5', kind: 'percent', value: 5, perUserLimit: 1, maxRedemptions: null, active: true });

    n = await entryCount();
    ok(await adm('PATCH', `/admin/promo-codes/${code.body.id}`, { value: 10, perUserLimit: 1, validUntil: '2027-01-01T00:00:00Z' }));
    expect((await lastEntry(n)).changes).to.deep.equal({ value: { from: 5, to: 10 }, validUntil: { from: null, to: '2027-01-01T00:00:00.000Z' } });
    n = await entryCount();
    ok(await adm('PATCH', `/admin/promo-codes/${code.body.id}`, { value: 10 }));
    expect(await entryCount(), 'a change to what it already is writes nothing').to.equal(n);

    ok(await adm('DELETE', `/admin/promo-codes/${code.body.id}`), 204);
    expect(await lastEntry(n)).to.deep.include({ action: 'promo-code.delete', changes: { code: 'WINTER5', outcome: 'deleted' } });

    n = await entryCount();
    ok(await adm('PATCH', '/admin/ticket-types/child', { rules: { regular: { kind: 'percent', value: 60 } } }));
    const typeEntry = await lastEntry(n);
    expect(typeEntry).to.deep.include({ action: 'ticket-type.update', resource: { type: 'ticket-type', id: 'child' } });
    expect(typeEntry.changes).to.have.keys('rules');
    expect((typeEntry.changes.rules as { to: Record<string, unknown> }).to.regular).to.deep.equal({ kind: 'percent', value: 60 });

    const show = await createShowtime(deps.ds);
    n = await entryCount();
    ok(await adm('PUT', `/admin/showtimes/${show.showtimeId}/ticket-types`, { overrides: [{ code: 'senior', onSale: false }] }));
    const showEntry = await lastEntry(n);
    expect(showEntry).to.deep.include({ action: 'showtime.ticket-types', resource: { type: 'showtime', id: String(show.showtimeId) } });
    expect(showEntry.changes).to.have.keys('senior');
    const senior = showEntry.changes.senior as { from: { onSale: boolean }; to: { onSale: boolean } };
    expect([senior.from.onSale, senior.to.onSale], 'senior taken off sale for this showtime').to.deep.equal([true, false]);
  });

  it('a refused change and a change that changes nothing leave no entry', async () => {
    const hall = ok(await adm('POST', '/admin/halls', { name: 'Quiet Hall', layout: ['RR'] }), 201).body;
    const n = await entryCount();
    expect((await adm('PATCH', `/admin/halls/${hall.id}`, { layout: ['RZ'] })).status).to.equal(400);
    expect((await adm('POST', '/admin/halls', { name: 'quiet hall', layout: ['R'] })).status).to.equal(409);
    expect((await adm('POST', '/admin/genres', { name: 'Noir' })).status).to.equal(201);
    expect((await adm('POST', '/admin/genres', { name: 'noir' })).status).to.equal(409);
    const refusedMovie = await adm('POST', '/admin/movies', {
      title: 'Ghost',
      runtimeMin: 90,
      rating: 'PG',
      releaseDate: '2026-11-20',
      availableFrom: '2026-11-20T00:00:00Z',
      availableUntil: '2027-01-31T00:00:00Z',
      genreIds: [999_999],
    });
    expect(refusedMovie.status).to.equal(422);
    // The movie row was inserted before its genres were checked: the whole change rolled back.
    expect(Number((await deps.ds.query("SELECT COUNT(*) AS n FROM movies WHERE title = 'Ghost'"))[0].n)).to.equal(0);
    ok(await adm('PATCH', `/admin/halls/${hall.id}`, { name: 'Quiet Hall', layout: ['RR'] }));
    expect(await entryCount()).to.equal(n + 1); // only the genre that was created
    expect((await trail('?limit=1')).items[0]!.action).to.equal('genre.create');
  });

  it('records role changes; an admin cannot drop their own admin role', async () => {
    const user = await createUser(deps);
    let n = await entryCount();
    const staff = ok(await adm('PUT', `/admin/users/${user.id}/role`, { role: 'staff' }));
    expect(staff.body.user).to.include({ id: user.id, role: 'staff' });
    expect(await lastEntry(n)).to.deep.include({ action: 'user.role', resource: { type: 'user', id: String(user.id) }, changes: { email: user.email, role: { from: 'user', to: 'staff' } } });
    n = await entryCount();
    ok(await adm('PUT', `/admin/users/${user.id}/role`, { role: 'staff' }));
    expect(await entryCount(), 'the same role again changes nothing').to.equal(n);
    ok(await adm('POST', `/admin/users/${user.id}/promote`));
    expect((await lastEntry(n)).changes).to.deep.include({ role: { from: 'staff', to: 'admin' } });
    n = await entryCount();
    ok(await adm('PUT', `/admin/users/${user.id}/role`, { role: 'user' }));
    expect((await lastEntry(n)).changes).to.deep.include({ role: { from: 'admin', to: 'user' } });

    n = await entryCount();
    const self = await adm('PUT', `/admin/users/${admin.id}/role`, { role: 'staff' });
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('CONFLICT');
    expect((await adm('PUT', `/admin/users/${admin.id}/role`, { role: 'root' })).status).to.equal(400);
    expect((await adm('PUT', '/admin/users/999999/role', { role: 'staff' })).status).to.equal(404);
    expect(await entryCount()).to.equal(n);
    expect((await deps.ds.query('SELECT role FROM users WHERE id = ?', [admin.id]))[0].role).to.equal('admin');
  });

  it('filters by resource, actor, action and UTC days, newest first, in pages', async () => {
    clock.set('2026-12-03T09:00:00Z');
    let genreId: number;
    try {
      genreId = ok(await call(other.token, 'POST', '/admin/genres', { name: 'Later' }), 201).body.id;
      ok(await call(other.token, 'PATCH', `/admin/genres/${genreId}`, { name: 'Later still' }));
    } finally {
      clock.set(NOW);
    }
    const byOther = await trail(`?actor=${other.id}`);
    expect(byOther.total).to.equal(2);
    expect(byOther.items.map((e) => e.action)).to.deep.equal(['genre.update', 'genre.create']);
    expect((await trail(`?resource=genre&resourceId=${genreId}`)).items.map((e) => e.action)).to.deep.equal(['genre.update', 'genre.create']);
    expect((await trail('?from=2026-12-02&to=2026-12-03')).total).to.equal(2);
    expect((await trail('?to=2026-12-01')).items.every((e) => e.at.startsWith('2026-12-01'))).to.equal(true);
    expect((await trail('?action=user.role')).items.every((e) => e.action === 'user.role')).to.equal(true);
    const all = await trail('?limit=100');
    const paged = [...(await trail('?limit=3&offset=0')).items, ...(await trail('?limit=3&offset=3')).items];
    expect(paged.map((e) => e.id)).to.deep.equal(all.items.slice(0, 6).map((e) => e.id));
    const ats = all.items.map((e) => e.at);
    expect(ats).to.deep.equal([...ats].sort().reverse());
    for (const bad of ['?resource=cinema', '?actor=abc', '?from=2026-13-01', '?limit=101', '?action=hall.paint', '?resourceId=a%20b']) {
      const res = await adm('GET', `/admin/audit${bad}`);
      expect(res.status, bad).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });

  it('is for admins only: staff and users are refused, anonymous callers must sign in', async () => {
    const staff = await createUser(deps, 'staff');
    const user = await createUser(deps);
    expect((await call(staff.token, 'GET', '/admin/audit')).status).to.equal(403);
    expect((await call(user.token, 'GET', '/admin/audit')).status).to.equal(403);
    expect((await api.request('GET', '/api/v1/admin/audit')).status).to.equal(401);
    expect((await call(staff.token, 'PUT', `/admin/users/${user.id}/role`, { role: 'staff' })).status).to.equal(403);
  });
});
