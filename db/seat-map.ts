import { promisify } from 'node:util';
import { constants as zlibConstants, gzip as gzipCallback } from 'node:zlib';
import type { DataSource } from 'typeorm';
import type { SeatStatus, SeatType, ShowtimeStatus } from '../core/domain.js';
import { seatLabel } from '../core/hall-layout.js';
import { num, type Sql } from './sql.js';

const gzip = promisify(gzipCallback);

export interface SeatMapSeat {
  /** The show_seats id: what a checkout names. */
  id: number;
  label: string;
  row: string;
  number: number;
  type: SeatType;
  price: number;
  status: SeatStatus;
  gridRow: number;
  gridCol: number;
}

export interface SeatMap {
  showtimeId: number;
  version: number;
  rows: number;
  cols: number;
  seats: SeatMapSeat[];
  counts: { available: number; held: number; booked: number };
}

/** The stored rows of one showtime at one seat_version, before "now" is applied to the holds. */
export interface SeatSnapshot {
  showtimeId: number;
  version: number;
  showtimeStatus: ShowtimeStatus;
  startsAt: Date;
  rows: number;
  cols: number;
  seats: StoredSeat[];
  /** held_until (ms) of every held seat, ascending; a hold is expired once held_until < now. */
  holdDeadlines: number[];
}

export interface StoredSeat extends Omit<SeatMapSeat, 'status'> {
  status: SeatStatus;
  heldUntil: number | null;
}

interface SnapshotRow {
  v: number | string;
  s: ShowtimeStatus;
  sa: Date;
  r: number;
  c: number;
  id: number | null;
  rl: string;
  n: number;
  t: SeatType;
  p: number;
  ss: SeatStatus;
  hu: Date | null;
  gr: number;
  gc: number;
}

/**
 * One statement, so the version and the seats come from the same consistent
 * read: a client that applies later `seats:changed` events on top of it can
 * never miss one. Uses uq_show_seats_showtime_seat (showtime_id, …) and the
 * hall_seats primary key; about 200 rows for a typical hall.
 */
const SNAPSHOT_SQL = `SELECT st.seat_version AS v, st.status AS s, st.starts_at AS sa, h.\`rows\` AS r, h.cols AS c,
  ss.id, hs.row_label AS rl, hs.number AS n, hs.seat_type AS t, ss.price AS p, ss.status AS ss, ss.held_until AS hu,
  hs.grid_row AS gr, hs.grid_col AS gc
  FROM showtimes st JOIN halls h ON h.id = st.hall_id
  LEFT JOIN show_seats ss ON ss.showtime_id = st.id
  LEFT JOIN hall_seats hs ON hs.id = ss.hall_seat_id
  WHERE st.id = ? ORDER BY hs.grid_row, hs.grid_col`;

export async function readSeatSnapshot(sql: Sql, showtimeId: number): Promise<SeatSnapshot | null> {
  const rows: SnapshotRow[] = await sql.query(SNAPSHOT_SQL, [showtimeId]);
  const first = rows[0];
  if (!first) return null;
  const seats: StoredSeat[] = [];
  const holdDeadlines: number[] = [];
  for (const r of rows) {
    if (r.id === null) continue;
    const heldUntil = r.hu ? r.hu.getTime() : null;
    if (r.ss === 'held' && heldUntil !== null) holdDeadlines.push(heldUntil);
    seats.push({
      id: num(r.id),
      label: seatLabel(r.rl, r.n),
      row: r.rl,
      number: r.n,
      type: r.t,
      price: r.p,
      status: r.ss,
      heldUntil,
      gridRow: r.gr,
      gridCol: r.gc,
    });
  }
  holdDeadlines.sort((a, b) => a - b);
  return { showtimeId, version: num(first.v), showtimeStatus: first.s, startsAt: first.sa, rows: first.r, cols: first.c, seats, holdDeadlines };
}

/** How many holds of the snapshot have expired by `nowMs`. With the version, it fixes what the map shows. */
export function expiredHolds(s: SeatSnapshot, nowMs: number): number {
  let k = 0;
  while (k < s.holdDeadlines.length && s.holdDeadlines[k]! < nowMs) k++;
  return k;
}

/** A held seat whose hold has passed is shown (and sold) as available. */
export function renderSeatMap(s: SeatSnapshot, now: Date): SeatMap {
  const nowMs = now.getTime();
  const counts = { available: 0, held: 0, booked: 0 };
  const seats = s.seats.map((seat): SeatMapSeat => {
    const status: SeatStatus = seat.status === 'held' && seat.heldUntil !== null && seat.heldUntil < nowMs ? 'available' : seat.status;
    counts[status] += 1;
    return {
      id: seat.id,
      label: seat.label,
      row: seat.row,
      number: seat.number,
      type: seat.type,
      price: seat.price,
      status,
      gridRow: seat.gridRow,
      gridCol: seat.gridCol,
    };
  });
  return { showtimeId: s.showtimeId, version: s.version, rows: s.rows, cols: s.cols, seats, counts };
}

/**
 * Weak ETag of what the map shows at `nowMs`. Every seat change bumps
 * seat_version in its own transaction, so (showtime, version) fixes the stored
 * rows; the only change without a bump is a hold running out, and for fixed
 * rows the set of expired holds is fixed by how many have expired (they expire
 * in held_until order). Hence `W/"st<id>-v<version>-x<expired>"` (+`-c` once
 * the showtime is cancelled).
 */
export function seatMapEtag(s: SeatSnapshot, nowMs: number): string {
  const cancelled = s.showtimeStatus === 'cancelled' ? '-c' : '';
  return `W/"st${s.showtimeId}-v${s.version}-x${expiredHolds(s, nowMs)}${cancelled}"`;
}

/** The seat map of a showtime now, uncached (one query). Null when the showtime does not exist. */
export async function loadSeatMap(sql: Sql, showtimeId: number, now: Date): Promise<SeatMap | null> {
  const snapshot = await readSeatSnapshot(sql, showtimeId);
  return snapshot ? renderSeatMap(snapshot, now) : null;
}

export interface SeatMapReply {
  etag: string;
  /** The JSON body, rendered lazily and shared by every request that sees the same ETag. */
  body(): Buffer;
  /** The same body gzipped, compressed once per ETag (off the event loop) and shared likewise. */
  gzipped(): Promise<Buffer>;
}

interface Head {
  v: number;
  s: ShowtimeStatus;
}

interface Entry {
  snapshot: SeatSnapshot;
  loadedAt: number;
  rendered?: { etag: string; body: Buffer; gzipped?: Promise<Buffer> };
}

export interface SeatMapCacheOptions {
  /** Showtimes kept per process. */
  maxEntries?: number;
  /** A snapshot is re-read after this long even if its version did not move (safety net). */
  maxAgeMs?: number;
}

/**
 * The hot read path of GET /showtimes/:id/seats. Each request reads the
 * showtime's seat_version and status by primary key; the seat rows are read
 * (one query) only when the version moved or the snapshot is older than
 * maxAgeMs. The rendered JSON is kept per ETag, so a busy showtime is
 * serialised once per change rather than once per request. Correct across API
 * nodes because the version check always goes to MySQL.
 */
export class SeatMapCache {
  private readonly entries = new Map<number, Entry>();
  private readonly loading = new Map<number, Promise<Entry | null>>();
  private readonly heads = new Map<number, { current: Promise<Head | undefined>; next?: Promise<Head | undefined> }>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly sql: Sql,
    opts: SeatMapCacheOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 500;
    this.maxAgeMs = opts.maxAgeMs ?? 5000;
  }

  async read(showtimeId: number, now: Date): Promise<SeatMapReply | null> {
    const entry = await this.current(showtimeId);
    return entry ? this.reply(entry, now) : null;
  }

  /** The stored seats at the showtime's version now (or later), for rules that need the whole hall: the early answers of a hold. */
  async snapshot(showtimeId: number): Promise<SeatSnapshot | null> {
    return (await this.current(showtimeId))?.snapshot ?? null;
  }

  private async current(showtimeId: number): Promise<Entry | null> {
    const head = await this.head(showtimeId);
    if (!head) {
      this.entries.delete(showtimeId);
      return null;
    }
    const entry = this.entries.get(showtimeId);
    const fresh =
      entry && entry.snapshot.version >= num(head.v) && entry.snapshot.showtimeStatus === head.s && performance.now() - entry.loadedAt <= this.maxAgeMs;
    return fresh ? entry : this.load(showtimeId, num(head.v));
  }

  /**
   * The showtime's version and status, read by a statement that starts after
   * this call: requests arriving while a read is in flight share the next one
   * (single flight, never an older answer), which keeps a busy showtime at
   * about one primary-key read per round trip instead of one per request.
   */
  private head(showtimeId: number): Promise<Head | undefined> {
    const flight = this.heads.get(showtimeId);
    if (!flight) return this.startHead(showtimeId);
    flight.next ??= flight.current.then(
      () => this.startHead(showtimeId),
      () => this.startHead(showtimeId),
    );
    return flight.next;
  }

  private startHead(showtimeId: number): Promise<Head | undefined> {
    const current: Promise<Head | undefined> = this.sql
      .query('SELECT seat_version AS v, status AS s FROM showtimes WHERE id = ?', [showtimeId])
      .then((rows: { v: number | string; s: ShowtimeStatus }[]) => (rows[0] ? { v: num(rows[0].v), s: rows[0].s } : undefined))
      .finally(() => {
        if (this.heads.get(showtimeId)?.current === current) this.heads.delete(showtimeId);
      });
    this.heads.set(showtimeId, { current });
    return current;
  }

  private reply(entry: Entry, now: Date): SeatMapReply {
    const etag = seatMapEtag(entry.snapshot, now.getTime());
    const rendered = () => {
      if (entry.rendered?.etag !== etag) {
        entry.rendered = { etag, body: Buffer.from(JSON.stringify(renderSeatMap(entry.snapshot, now))) };
      }
      return entry.rendered;
    };
    return {
      etag,
      body: () => rendered().body,
      gzipped: () => {
        const r = rendered();
        // The fastest level: a seat map's JSON shrinks about tenfold at it, in about a millisecond for 3,000 seats.
        r.gzipped ??= gzip(r.body, { level: zlibConstants.Z_BEST_SPEED });
        return r.gzipped;
      },
    };
  }

  /** Reads the rows, sharing a read already in flight when it is recent enough for `minVersion`. */
  private async load(showtimeId: number, minVersion: number): Promise<Entry | null> {
    const pending = this.loading.get(showtimeId);
    if (pending) {
      const shared = await pending;
      if (!shared || shared.snapshot.version >= minVersion) return shared;
    }
    return this.startLoad(showtimeId);
  }

  private startLoad(showtimeId: number): Promise<Entry | null> {
    const p = readSeatSnapshot(this.sql, showtimeId)
      .then((snapshot) => {
        if (!snapshot) {
          this.entries.delete(showtimeId);
          return null;
        }
        const current = this.entries.get(showtimeId);
        if (current && current.snapshot.version > snapshot.version) return current;
        const entry: Entry = { snapshot, loadedAt: performance.now() };
        this.entries.delete(showtimeId);
        this.entries.set(showtimeId, entry);
        if (this.entries.size > this.maxEntries) {
          const oldest = this.entries.keys().next().value;
          if (oldest !== undefined) this.entries.delete(oldest);
        }
        return entry;
      })
      .finally(() => {
        if (this.loading.get(showtimeId) === p) this.loading.delete(showtimeId);
      });
    this.loading.set(showtimeId, p);
    return p;
  }
}

interface CallbackPool {
  query(sql: string, values: unknown[], cb: (err: Error | null, rows: unknown) => void): void;
}

/**
 * The hot path talks to the driver's mysql2 pool directly (same connection
 * options: UTC, big numbers), skipping TypeORM's per-query QueryRunner; any
 * other data source goes through its own query().
 */
export function directSql(ds: DataSource | Sql): Sql {
  const pool = (ds as { driver?: { pool?: CallbackPool } }).driver?.pool;
  if (!pool || typeof pool.query !== 'function') return ds;
  return {
    query: (sql: string, params: unknown[] = []) =>
      new Promise((resolve, reject) => pool.query(sql, params, (err, rows) => (err ? reject(err) : resolve(rows)))),
  };
}

const caches = new WeakMap<object, SeatMapCache>();

/** One cache per data source (per process in production, per test database in tests). */
export function seatMapCache(ds: DataSource | Sql): SeatMapCache {
  let c = caches.get(ds);
  if (!c) {
    c = new SeatMapCache(directSql(ds));
    caches.set(ds, c);
  }
  return c;
}
