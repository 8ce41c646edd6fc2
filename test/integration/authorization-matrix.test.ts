import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import type { Role } from '../../core/domain.js';
import { parseHallLayout, type HallGrid } from '../../core/hall-layout.js';
import { hashPassword } from '../../core/password.js';
import { createMovie, createNamed } from '../../db/catalog.js';
import * as halls from '../../db/halls.js';
import { tokenStateOf } from '../../db/users.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { confirmedBooking } from '../support/bookings.js';
import { createShowtime, createUser, type ShowtimeFixture } from '../support/fixtures.js';
import { startTestApi, type TestApi } from '../support/http.js';
import { startTestWorker, terminateWaitlists, type TestWorker } from '../support/worker.js';

/**
 * Who may call what, for every operation of the OpenAPI document, called for
 * real as each kind of caller. The document is the list: an operation without
 * a row here fails (add its row when you add the endpoint), and so does a row
 * whose operation is gone.
 *
 * Access levels, and what each caller gets (`ok` = the operation's success status):
 *
 * | access    | anonymous | customer | other customer | staff | admin |
 * | --------- | --------- | -------- | -------------- | ----- | ----- |
 * | public    | ok        | ok       | ok             | ok    | ok    |
 * | signed-in | 401       | ok       | ok             | ok    | ok    |
 * | owner     | 401       | ok       | 404            | 404   | ok    |
 * | staff     | 401       | 403      | 403            | ok    | ok    |
 * | admin     | 401       | 403      | 403            | 403   | ok    |
 *
 * "owner" operations act on something the customer owns (a checkout, a
 * booking): anyone else is told it does not exist, admins excepted. A row
 * may name exceptions (`except`).
 */
type Caller = 'anonymous' | 'customer' | 'other customer' | 'staff' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'other customer', 'staff', 'customer', 'admin'];
type Access = 'public' | 'signed-in' | 'owner' | 'staff' | 'admin';

const LEVELS: Record<Access, Record<Caller, 'ok' | number>> = {
  public: { anonymous: 'ok', customer: 'ok', 'other customer': 'ok', staff: 'ok', admin: 'ok' },
  'signed-in': { anonymous: 401, customer: 'ok', 'other customer': 'ok', staff: 'ok', admin: 'ok' },
  owner: { anonymous: 401, customer: 'ok', 'other customer': 404, staff: 404, admin: 'ok' },
  staff: { anonymous: 401, customer: 403, 'other customer': 403, staff: 'ok', admin: 'ok' },
  admin: { anonymous: 401, customer: 403, 'other customer': 403, staff: 403, admin: 'ok' },
};

interface Call {
  /** Path params filled in ({id} replaced). */
  params?: Record<string, string | number>;
  /** A query string to append (`?by=seat-type`). */
  query?: string;
  body?: unknown;
}
interface Row {
  access: Access;
  /** The success status; several when the answer may come before a workflow finishes (202). */
  ok: number | number[];
  except?: Partial<Record<Caller, number>>;
  /** Builds the request for one call; may create what it needs (each call gets its own). */
  call?: (f: Fixtures, caller: Caller) => Promise<Call> | Call;
}

interface Fixtures {
  deps: TestDeps;
  show: ShowtimeFixture;
  /** A checkout the customer holds (for reads). */
  heldCheckout: string;
  passwords: Record<Exclude<Caller, 'anonymous'>, string>;
  userIds: Record<Exclude<Caller, 'anonymous'>, number>;
  loginEmail: string;
  freeSeat(): number;
  holdForCustomer(): Promise<string>;
  confirmedForCustomer(): Promise<string>;
  /** A confirmed booking of the customer and one of its seats: its tickets. */
  ticketed: { id: string; seatId: number };
  /** The code of a ticket nobody has scanned yet. */
  ticketCodeForCustomer(): Promise<string>;
  freshShowtime(): Promise<ShowtimeFixture>;
  freshHall(): Promise<number>;
  freshMovie(): Promise<number>;
  freshNamed(table: 'genres' | 'actors'): Promise<number>;
  freshUser(): Promise<number>;
  freshPromoCode(): Promise<number>;
  /** A showtime whose one seat is booked. */
  soldOutShowtime(): Promise<number>;
  /** The customer in the line of a fresh sold-out showtime. */
  waitlistEntryOfCustomer(): Promise<string>;
}

const unique = (): string => randomUUID().slice(0, 8);
const SMALL: HallGrid = parseHallLayout(['RRR']) as HallGrid;
const day = 86_400_000;

const MATRIX: Record<string, Row> = {
  // accounts
  'POST /api/v1/auth/register': { access: 'public', ok: 201, call: () => ({ body: { email: `m-${unique()}@example.test`, password: 'matrix-pass-1', name: 'M' } }) },
  'POST /api/v1/auth/login': { access: 'public', ok: 200, call: (f) => ({ body: { email: f.loginEmail, password: 'matrix-pass-1' } }) },
  'GET /api/v1/auth/me': { access: 'signed-in', ok: 200 },
  'POST /api/v1/auth/password': {
    access: 'signed-in',
    ok: 200,
    call: (f, caller) => {
      if (caller === 'anonymous') return { body: { currentPassword: 'x', newPassword: 'whatever-pass-1' } };
      const next = `matrix-${unique()}-1`;
      const call = { body: { currentPassword: f.passwords[caller], newPassword: next } };
      f.passwords[caller] = next; // the call succeeds for every signed-in caller
      return call;
    },
  },
  'POST /api/v1/auth/logout-all': { access: 'signed-in', ok: 204 },
  // catalog (public)
  'GET /api/v1/movies': { access: 'public', ok: 200 },
  'GET /api/v1/movies/{id}': { access: 'public', ok: 200, call: (f) => ({ params: { id: f.show.movieId } }) },
  'GET /api/v1/movies/{id}/showtimes': { access: 'public', ok: 200, call: (f) => ({ params: { id: f.show.movieId } }) },
  'GET /api/v1/genres': { access: 'public', ok: 200 },
  'GET /api/v1/actors': { access: 'public', ok: 200 },
  'GET /api/v1/showtimes': { access: 'public', ok: 200 },
  'GET /api/v1/showtimes/{id}': { access: 'public', ok: 200, call: (f) => ({ params: { id: f.show.showtimeId } }) },
  'GET /api/v1/showtimes/{id}/seats': { access: 'public', ok: 200, call: (f) => ({ params: { id: f.show.showtimeId } }) },
  // checkout and bookings
  'POST /api/v1/checkouts': { access: 'signed-in', ok: 201, call: (f) => ({ body: { showtimeId: f.show.showtimeId, seatIds: [f.freeSeat()] } }) },
  'GET /api/v1/checkouts/{id}': { access: 'owner', ok: 200, call: (f) => ({ params: { id: f.heldCheckout } }) },
  'POST /api/v1/checkouts/{id}/cancel': { access: 'owner', ok: [200, 202], call: async (f) => ({ params: { id: await f.holdForCustomer() }, body: {} }) },
  // Only the customer pays; an admin may see the checkout but not pay it.
  'POST /api/v1/checkouts/{id}/pay': {
    access: 'owner',
    ok: [200, 202],
    except: { admin: 403 },
    call: async (f) => ({ params: { id: await f.holdForCustomer() }, body: { card: '4242424242424242' } }),
  },
  // Only the customer asks for more time; the hold of each call is its own (once per checkout).
  'POST /api/v1/checkouts/{id}/extend': { access: 'owner', ok: 200, except: { admin: 403 }, call: async (f) => ({ params: { id: await f.holdForCustomer() } }) },
  'GET /api/v1/bookings': { access: 'signed-in', ok: 200 },
  'GET /api/v1/bookings/{id}': { access: 'owner', ok: 200, call: (f) => ({ params: { id: f.heldCheckout } }) },
  'POST /api/v1/bookings/{id}/cancel': { access: 'owner', ok: [200, 202], call: async (f) => ({ params: { id: await f.confirmedForCustomer() }, body: {} }) },
  // the waitlist: joining needs a sold-out showtime (each call its own); an entry is its buyer's alone (admins read lines at /admin)
  'POST /api/v1/showtimes/{id}/waitlist': { access: 'signed-in', ok: 201, call: async (f) => ({ params: { id: await f.soldOutShowtime() }, body: { count: 1 } }) },
  'GET /api/v1/waitlist': { access: 'signed-in', ok: 200 },
  'GET /api/v1/waitlist/{id}': { access: 'owner', ok: 200, except: { admin: 404 }, call: async (f) => ({ params: { id: await f.waitlistEntryOfCustomer() } }) },
  'DELETE /api/v1/waitlist/{id}': { access: 'owner', ok: 200, except: { admin: 404 }, call: async (f) => ({ params: { id: await f.waitlistEntryOfCustomer() } }) },
  'GET /api/v1/admin/showtimes/{id}/waitlist': { access: 'admin', ok: 200, call: (f) => ({ params: { id: f.show.showtimeId } }) },
  // tickets and the door
  'GET /api/v1/bookings/{id}/tickets/{seatId}.svg': { access: 'owner', ok: 200, call: (f) => ({ params: f.ticketed }) },
  'GET /api/v1/bookings/{id}/tickets.pdf': { access: 'owner', ok: 200, call: (f) => ({ params: { id: f.ticketed.id } }) },
  // Each call scans a ticket of its own: a second scan of one ticket is a 409.
  'POST /api/v1/checkin': { access: 'staff', ok: 200, call: async (f) => ({ body: { code: await f.ticketCodeForCustomer() } }) },
  // Signed by the provider, not by a token: the same answer for everyone (404 here: this deployment's provider is the mock).
  'POST /api/v1/webhooks/stripe': { access: 'public', ok: 404, call: () => ({ body: { id: 'evt_matrix', type: 'payment_intent.succeeded', data: { object: {} } } }) },
  // admin: catalog
  'POST /api/v1/admin/movies': {
    access: 'admin',
    ok: 201,
    call: () => ({
      body: {
        title: `Matrix ${unique()}`,
        runtimeMin: 90,
        rating: 'PG',
        releaseDate: '2026-01-01',
        availableFrom: new Date(Date.now() - day).toISOString(),
        availableUntil: new Date(Date.now() + 30 * day).toISOString(),
      },
    }),
  },
  'PATCH /api/v1/admin/movies/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshMovie() }, body: { title: `Renamed ${unique()}` } }) },
  'DELETE /api/v1/admin/movies/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: await f.freshMovie() } }) },
  'POST /api/v1/admin/genres': { access: 'admin', ok: 201, call: () => ({ body: { name: `genre ${unique()}` } }) },
  'PATCH /api/v1/admin/genres/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshNamed('genres') }, body: { name: `genre ${unique()}` } }) },
  'DELETE /api/v1/admin/genres/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: await f.freshNamed('genres') } }) },
  'POST /api/v1/admin/actors': { access: 'admin', ok: 201, call: () => ({ body: { name: `actor ${unique()}` } }) },
  'PATCH /api/v1/admin/actors/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshNamed('actors') }, body: { name: `actor ${unique()}` } }) },
  'DELETE /api/v1/admin/actors/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: await f.freshNamed('actors') } }) },
  // admin: halls and showtimes
  'GET /api/v1/admin/halls': { access: 'admin', ok: 200 },
  'GET /api/v1/admin/halls/{id}': { access: 'admin', ok: 200, call: (f) => ({ params: { id: f.show.hallId } }) },
  'POST /api/v1/admin/halls': { access: 'admin', ok: 201, call: () => ({ body: { name: `Hall ${unique()}`, layout: ['RRR', 'PPP'] } }) },
  'PATCH /api/v1/admin/halls/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshHall() }, body: { name: `Hall ${unique()}` } }) },
  'DELETE /api/v1/admin/halls/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: await f.freshHall() } }) },
  'GET /api/v1/admin/showtimes': { access: 'admin', ok: 200 },
  'POST /api/v1/admin/showtimes': {
    access: 'admin',
    ok: 201,
    call: async (f) => {
      const s = await f.freshShowtime();
      return { body: { movieId: s.movieId, hallId: s.hallId, startsAt: new Date(s.startsAt.getTime() + 3 * day).toISOString(), basePrice: 900 } };
    },
  },
  'PATCH /api/v1/admin/showtimes/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: (await f.freshShowtime()).showtimeId }, body: { basePrice: 1100 } }) },
  'DELETE /api/v1/admin/showtimes/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: (await f.freshShowtime()).showtimeId } }) },
  'POST /api/v1/admin/showtimes/{id}/cancel': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: (await f.freshShowtime()).showtimeId }, body: {} }) },
  // admin: people, reports, bookings
  'GET /api/v1/admin/users': { access: 'admin', ok: 200 },
  'POST /api/v1/admin/users/{id}/promote': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshUser() } }) },
  'GET /api/v1/admin/reports/occupancy': { access: 'admin', ok: 200 },
  'GET /api/v1/admin/reports/revenue': { access: 'admin', ok: 200 },
  'GET /api/v1/admin/reports/popular': { access: 'admin', ok: 200 },
  'GET /api/v1/admin/reports/occupancy-by-day': { access: 'admin', ok: 200 },
  'GET /api/v1/admin/reports/revenue-by-ticket-type': { access: 'admin', ok: 200 },
  // admin: ticket types and promo codes
  'GET /api/v1/admin/ticket-types': { access: 'admin', ok: 200 },
  'PATCH /api/v1/admin/ticket-types/{code}': { access: 'admin', ok: 200, call: () => ({ params: { code: 'senior' }, body: { rules: { regular: { kind: 'percent', value: 80 } } } }) },
  'GET /api/v1/admin/showtimes/{id}/ticket-types': { access: 'admin', ok: 200, call: (f) => ({ params: { id: f.show.showtimeId } }) },
  'PUT /api/v1/admin/showtimes/{id}/ticket-types': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: (await f.freshShowtime()).showtimeId }, body: { overrides: [] } }) },
  'GET /api/v1/admin/promo-codes': { access: 'admin', ok: 200 },
  'POST /api/v1/admin/promo-codes': { access: 'admin', ok: 201, call: () => ({ body: { code: `M${unique()}`, kind: 'percent', value: 10 } }) },
  'GET /api/v1/admin/promo-codes/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshPromoCode() } }) },
  'PATCH /api/v1/admin/promo-codes/{id}': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshPromoCode() }, body: { value: 15 } }) },
  'DELETE /api/v1/admin/promo-codes/{id}': { access: 'admin', ok: 204, call: async (f) => ({ params: { id: await f.freshPromoCode() } }) },
  'GET /api/v1/admin/reports/sales': { access: 'admin', ok: 200, call: () => ({ query: '?by=seat-type' }) },
  // Staff read bookings (the console's search and detail, to help at the door); only admins act on them.
  'GET /api/v1/admin/bookings': { access: 'staff', ok: 200 },
  'GET /api/v1/admin/bookings/{id}': { access: 'staff', ok: 200, call: (f) => ({ params: { id: f.heldCheckout } }) },
  'POST /api/v1/admin/bookings/{id}/cancel': { access: 'admin', ok: [200, 202], call: async (f) => ({ params: { id: await f.confirmedForCustomer() }, body: {} }) },
  'POST /api/v1/admin/bookings/{id}/release': { access: 'admin', ok: [200, 202], call: async (f) => ({ params: { id: await f.holdForCustomer() }, body: {} }) },
  'GET /api/v1/admin/audit': { access: 'admin', ok: 200 },
  'PUT /api/v1/admin/users/{id}/role': { access: 'admin', ok: 200, call: async (f) => ({ params: { id: await f.freshUser() }, body: { role: 'staff' } }) },
  'GET /api/v1/admin/hall-layouts/rules': { access: 'admin', ok: 200 },
  'POST /api/v1/admin/hall-layouts/preview': { access: 'admin', ok: 200, call: () => ({ body: { layout: ['RRR', 'PPP'] } }) },
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

interface OpenApiOperation {
  security?: unknown[];
}
type OpenApiDocument = { paths: Record<string, Partial<Record<(typeof METHODS)[number], OpenApiOperation>>> };

describe('authorization matrix: every operation of the OpenAPI document, as every kind of caller', function () {
  this.timeout(300_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let fixtures: Fixtures;
  let operations: { key: string; method: string; path: string; secured: boolean }[];

  before(async () => {
    deps = await createTestDeps('authz_matrix', {
      // Fresh client addresses keep the sign-up and sign-in limits out of the way; the customer holds many checkouts here.
      config: { TRUST_PROXY: '1', MAX_OPEN_CHECKOUTS_PER_USER: '1000', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '1000', HOLD_TTL_SECONDS: '300' },
    });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    const doc = (await api.request<OpenApiDocument>('GET', '/api/v1/openapi.json')).body;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path, secured: (item[m]?.security ?? []).length > 0 })),
    );

    const show = await createShowtime(deps.ds, { layout: Array(8).fill('RRRRRRRRRR') });
    const person = async (role: Role) => {
      const { id } = await createUser(deps, role);
      await deps.ds.query('UPDATE users SET password_hash = ? WHERE id = ?', [await hashPassword('matrix-pass-1'), id]);
      return id;
    };
    const userIds = { customer: await person('user'), 'other customer': await person('user'), staff: await person('staff'), admin: await person('admin') };
    const loginEmail = `login-${unique()}@example.test`;
    await deps.ds.query('INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)', [
      loginEmail,
      'Login',
      await hashPassword('matrix-pass-1'),
      'user',
      new Date(),
    ]);
    let seat = 0;
    const freeSeat = () => show.seatIds[seat++]!;
    const asCustomer = async (method: string, path: string, body: unknown) => {
      const res = await api.request(method, path, { token: await tokenOf('customer'), body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.be.oneOf([200, 201]);
      return res.body;
    };
    const holdForCustomer = async () => (await asCustomer('POST', '/api/v1/checkouts', { showtimeId: show.showtimeId, seatIds: [freeSeat()] })).checkoutId as string;
    fixtures = {
      deps,
      show,
      heldCheckout: '',
      passwords: { customer: 'matrix-pass-1', 'other customer': 'matrix-pass-1', staff: 'matrix-pass-1', admin: 'matrix-pass-1' },
      userIds,
      loginEmail,
      freeSeat,
      holdForCustomer,
      async confirmedForCustomer() {
        const id = await holdForCustomer();
        const paid = await asCustomer('POST', `/api/v1/checkouts/${id}/pay`, { card: '4242424242424242' });
        expect(paid.status).to.equal('CONFIRMED');
        return id;
      },
      ticketed: { id: '', seatId: 0 },
      async ticketCodeForCustomer() {
        const id = await this.confirmedForCustomer();
        const booking = await asCustomer('GET', `/api/v1/bookings/${id}`, undefined);
        return booking.tickets[0].code as string;
      },
      freshShowtime: () => createShowtime(deps.ds, { layout: ['RRR'] }),
      freshHall: () => halls.create(deps.ds, `Hall ${unique()}`, SMALL),
      freshMovie: () =>
        createMovie(
          deps.ds,
          {
            title: `Fresh ${unique()}`,
            synopsis: '',
            runtimeMin: 90,
            rating: 'PG',
            posterUrl: null,
            releaseDate: '2026-01-01',
            availableFrom: new Date(Date.now() - day),
            availableUntil: new Date(Date.now() + 30 * day),
          },
          new Date(),
        ),
      freshNamed: (table) => createNamed(deps.ds, table, `${table} ${unique()}`),
      freshUser: async () => (await createUser(deps)).id,
      soldOutShowtime: async () => {
        const sold = await createShowtime(deps.ds, { layout: ['R'] });
        await confirmedBooking(api, await createUser(deps), sold.showtimeId, sold.seatIds);
        return sold.showtimeId;
      },
      async waitlistEntryOfCustomer() {
        return (await asCustomer('POST', `/api/v1/showtimes/${await this.soldOutShowtime()}/waitlist`, { count: 1 })).waitlistId as string;
      },
      freshPromoCode: async () => {
        const res = await api.request('POST', '/api/v1/admin/promo-codes', { token: await tokenOf('admin'), body: { code: `F${unique()}`, kind: 'fixed', value: 100 } });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body.id as number;
      },
    };
    fixtures.heldCheckout = await holdForCustomer();
    const ticketed = await fixtures.confirmedForCustomer();
    fixtures.ticketed = { id: ticketed, seatId: (await asCustomer('GET', `/api/v1/bookings/${ticketed}`, undefined)).tickets[0].seatId };
  });
  after(async () => {
    await terminateWaitlists(deps);
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  /** A token of the caller as they are now: earlier calls (a password change, sign out everywhere) end older ones. */
  async function tokenOf(caller: Exclude<Caller, 'anonymous'>): Promise<string> {
    const id = fixtures.userIds[caller];
    const state = await tokenStateOf(deps.ds, id);
    if (!state) throw new Error(`no user ${id}`);
    return issueToken({ id, role: state.role, tokenVersion: state.tokenVersion }, deps);
  }

  it('has a row for every operation of the document and an operation for every row, each at the access level the document declares', () => {
    const documented = operations.map((o) => o.key);
    expect(documented.filter((k) => !(k in MATRIX)), 'operations without a row in MATRIX').to.deep.equal([]);
    expect(Object.keys(MATRIX).filter((k) => !documented.includes(k)), 'rows of MATRIX without an operation').to.deep.equal([]);
    for (const op of operations) {
      expect(op.secured, `${op.key}: the document's security vs the row's access '${MATRIX[op.key]!.access}'`).to.equal(MATRIX[op.key]!.access !== 'public');
    }
  });

  it('answers every operation, called as each kind of caller, with the expected status', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const row = MATRIX[op.key];
      if (!row) {
        wrong.push(`${op.key}: no row in MATRIX`);
        continue;
      }
      for (const caller of CALLERS) {
        const level = LEVELS[row.access][caller];
        const expected = row.except?.[caller] ?? (level === 'ok' ? row.ok : level);
        const call = (await row.call?.(fixtures, caller)) ?? {};
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => String(call.params?.[name] ?? 1)) + (call.query ?? '');
        const res = await api.request(op.method, path, {
          ...(caller === 'anonymous' ? {} : { token: await tokenOf(caller) }),
          ...(call.body !== undefined ? { body: call.body } : {}),
          headers: { 'x-forwarded-for': `2001:db8:a7a7::${randomBytes(2).toString('hex')}` },
        });
        const allowed = Array.isArray(expected) ? expected : [expected];
        if (!allowed.includes(res.status)) wrong.push(`${op.key} as ${caller}: ${res.status}, expected ${allowed.join(' or ')} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
