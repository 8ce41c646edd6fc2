import { expect } from 'chai';
import { QueryFailedError } from 'typeorm';
import { migrations } from '../../db/migrations/index.js';
import { seed } from '../../db/seed.js';
import { createDataSource, initializeWhenReachable } from '../../db/data-source.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/fixtures.js';
import { startRelay } from '../support/relay.js';
import { fixedClock } from '../support/clock.js';

const TABLES = [
  'actors',
  'audit_log',
  'booking_seats',
  'bookings',
  'genres',
  'hall_seats',
  'halls',
  'ledger_payment_intents',
  'movie_actors',
  'movie_genres',
  'movies',
  'notifications',
  'payment_events',
  'promo_code_movies',
  'promo_code_showtimes',
  'promo_codes',
  'promo_redemptions',
  'show_seats',
  'showtime_ticket_rules',
  'showtime_ticket_types',
  'showtimes',
  'ticket_checkins',
  'ticket_type_rules',
  'ticket_types',
  'users',
  'waitlist_entries',
];
async function tableNames(db: TestDatabase): Promise<string[]> {
  const rows: { name: string }[] = await db.ds.query(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'schema_migrations'",
  );
  return rows.map((r) => r.name).sort();
}

/** Undoes the latest migrations down to and including `name`, so a test of one migration does not depend on how many came after it. */
async function revertThrough(db: TestDatabase, name: string): Promise<void> {
  for (;;) {
    const [last]: { name: string }[] = await db.ds.query('SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1');
    if (!last) throw new Error(`migration ${name} was never run`);
    await db.ds.undoLastMigration();
    if (last.name === name) return;
  }
}

async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await db.ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  return out;
}

describe('database', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  const clock = fixedClock('2026-12-01T08:00:00Z');
  const seedOptions = { adminEmail: 'admin@example.test', adminPassword: 'admin-password', cleaningBufferMin: 15, clock };

  before(async () => {
    db = await freshDatabase('database');
  });
  after(() => db.drop());

  it('at start, the pool waits while MySQL is unreachable and opens once it answers; other failures and a wait run out end it', async () => {
    const mysql = new URL(db.url);
    const relay = await startRelay(Number(mysql.port || 3306));
    await relay.down();
    const through = (database = mysql.pathname): string => {
      const u = new URL(db.url);
      u.port = new URL(relay.url).port;
      u.pathname = database;
      return u.toString();
    };
    const ds = createDataSource({ url: through(), poolSize: 1 });
    try {
      const waits: number[] = [];
      const opening = initializeWhenReachable(ds, { waitMs: 30_000, onWait: (_e, attempt) => waits.push(attempt) });
      await eventually(async () => waits.length >= 2);
      await relay.up();
      await opening;
      expect((await ds.query('SELECT 1 AS one'))[0].one).to.equal(1);

      const unknown = createDataSource({ url: through('/no_such_database_here'), poolSize: 1 });
      const unknownWaits: number[] = [];
      const refused = await initializeWhenReachable(unknown, { waitMs: 30_000, onWait: (_e, a) => unknownWaits.push(a) }).catch((e: { code?: string }) => e);
      expect(refused).to.include({ code: 'ER_BAD_DB_ERROR' });
      expect(unknownWaits, 'a database that answers is not waited for').to.deep.equal([]);

      await relay.down();
      const late = createDataSource({ url: through(), poolSize: 1 });
      const t0 = Date.now();
      const gaveUp = await initializeWhenReachable(late, { waitMs: 700, onWait: () => undefined }).catch((e: { code?: string }) => e);
      expect(gaveUp).to.include({ code: 'ECONNREFUSED' });
      expect(Date.now() - t0).to.be.below(10_000);
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await relay.close();
    }
  });

  it('migrations create every table of the data model and revert cleanly', async () => {
    expect(await tableNames(db)).to.deep.equal(TABLES);
    for (let i = 0; i < migrations.length; i++) await db.ds.undoLastMigration();
    expect(await tableNames(db)).to.deep.equal([]);
    await db.ds.runMigrations();
    expect(await tableNames(db)).to.deep.equal(TABLES);
  });

  it('seed gives a browsable cinema and a second run changes nothing', async () => {
    await seed(db.ds, seedOptions);
    const first = await counts(db);
    expect(first.movies).to.be.at.least(10);
    expect(first.halls).to.equal(3);
    expect(first.users).to.equal(2);
    expect(first.showtimes).to.be.greaterThan(14 * 3);
    const [{ n: unmaterialised }] = await db.ds.query(
      `SELECT COUNT(*) AS n FROM showtimes st JOIN hall_seats hs ON hs.hall_id = st.hall_id
       LEFT JOIN show_seats ss ON ss.showtime_id = st.id AND ss.hall_seat_id = hs.id WHERE ss.id IS NULL`,
    );
    expect(Number(unmaterialised)).to.equal(0);
    const types: { t: string }[] = await db.ds.query('SELECT DISTINCT seat_type AS t FROM hall_seats ORDER BY t');
    expect(types.map((r) => r.t)).to.deep.equal(['accessible', 'premium', 'regular', 'vip']);
    const [{ overlaps }] = await db.ds.query(
      `SELECT COUNT(*) AS overlaps FROM showtimes a JOIN showtimes b
       ON a.hall_id = b.hall_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at`,
    );
    expect(Number(overlaps)).to.equal(0);

    await seed(db.ds, seedOptions);
    expect(await counts(db)).to.deep.equal(first);
  });

  it('the database itself refuses a second show seat for the same hall seat', async () => {
    const [existing]: { showtime_id: number; hall_seat_id: number }[] = await db.ds.query('SELECT showtime_id, hall_seat_id FROM show_seats WHERE id = 1');
    const err = await db.ds
      .query("INSERT INTO show_seats (showtime_id, hall_seat_id, price, status) VALUES (?, ?, 1, 'available')", [existing!.showtime_id, existing!.hall_seat_id])
      .then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(QueryFailedError);
    expect((err as QueryFailedError<Error & { code: string }>).driverError.code).to.equal('ER_DUP_ENTRY');
  });

  it('the database refuses a second booking with the same idempotency key for one user', async () => {
    const [user] = await db.ds.query('SELECT id FROM users LIMIT 1');
    const [st] = await db.ds.query('SELECT id FROM showtimes LIMIT 1');
    const row = (id: string) => [id, user.id, st.id, 'AWAITING_PAYMENT', 100, 'USD', 'mock', 'key-1', new Date(), new Date(), new Date()];
    const sql = `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, idempotency_key, hold_expires_at, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    await db.ds.query(sql, row('chk_A'));
    const err = await db.ds.query(sql, row('chk_B')).then(
      () => null,
      (e: unknown) => e as QueryFailedError<Error & { code: string }>,
    );
    expect(err?.driverError.code).to.equal('ER_DUP_ENTRY');
  });

  it('the tickets migration marks notifications written before it as skipped, so no old booking gets a late email', async () => {
    await revertThrough(db, 'Tickets1764400000000');
    const [user] = await db.ds.query('SELECT id FROM users LIMIT 1');
    await db.ds.query('INSERT INTO notifications (user_id, booking_id, kind, channel, body, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      user.id,
      'chk_A',
      'booking_confirmed',
      'email',
      'queued by release 2',
      new Date(),
    ]);
    await db.ds.runMigrations();
    const rows = await db.ds.query("SELECT status, attempts, last_error FROM notifications WHERE booking_id = 'chk_A'");
    expect(rows).to.deep.equal([{ status: 'skipped', attempts: 0, last_error: 'queued before email delivery existed' }]);
  });

  it('the waitlist migration reverts with waitlist emails on record: those go with their entries, booking emails stay', async () => {
    const [user] = await db.ds.query('SELECT id FROM users LIMIT 1');
    const [show] = await db.ds.query('SELECT id FROM showtimes LIMIT 1');
    const now = new Date();
    await db.ds.query(
      "INSERT INTO waitlist_entries (id, showtime_id, user_id, seat_count, status, created_at, updated_at) VALUES ('wl_M', ?, ?, 2, 'closed', ?, ?)",
      [show.id, user.id, now, now],
    );
    await db.ds.query(
      "INSERT INTO notifications (user_id, waitlist_entry_id, kind, channel, body, created_at) VALUES (?, 'wl_M', 'waitlist_closed', 'email', 'closed', ?)",
      [user.id, now],
    );
    const before = Number((await db.ds.query('SELECT COUNT(*) AS n FROM notifications WHERE booking_id IS NOT NULL'))[0].n);
    await revertThrough(db, 'Waitlist1764600000000');
    expect(await tableNames(db)).to.not.include('waitlist_entries');
    expect(Number((await db.ds.query('SELECT COUNT(*) AS n FROM notifications'))[0].n)).to.equal(before);
    await db.ds.runMigrations();
    expect(await tableNames(db)).to.deep.equal(TABLES);
  });

  it('the pricing migration makes every seat of earlier bookings an adult ticket at its price, with no discount', async () => {
    await revertThrough(db, 'TicketTypesAndPromoCodes1764500000000');
    const [user] = await db.ds.query('SELECT id FROM users LIMIT 1');
    const [seat] = await db.ds.query('SELECT id, showtime_id, price FROM show_seats ORDER BY id LIMIT 1');
    await db.ds.query(
      `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, hold_expires_at, created_at, updated_at)
       VALUES ('chk_R2', ?, ?, 'CONFIRMED', ?, 'USD', 'mock', ?, ?, ?)`,
      [user.id, seat.showtime_id, seat.price, new Date(), new Date(), new Date()],
    );
    await db.ds.query("INSERT INTO booking_seats (booking_id, show_seat_id, label, price) VALUES ('chk_R2', ?, 'A1', ?)", [seat.id, seat.price]);
    await db.ds.runMigrations();
    expect(await db.ds.query("SELECT ticket_type, price, discount FROM booking_seats WHERE booking_id = 'chk_R2'")).to.deep.equal([
      { ticket_type: 'adult', price: seat.price, discount: 0 },
    ]);
    expect(await db.ds.query("SELECT amount, discount, promo_code FROM bookings WHERE id = 'chk_R2'")).to.deep.equal([{ amount: seat.price, discount: 0, promo_code: null }]);
    expect((await db.ds.query('SELECT code FROM ticket_types ORDER BY sort')).map((r: { code: string }) => r.code)).to.deep.equal(['adult', 'child', 'senior', 'student']);
    expect(Number((await db.ds.query('SELECT COUNT(*) AS n FROM ticket_type_rules'))[0].n), 'three types × five seat types').to.equal(15);
  });
});
