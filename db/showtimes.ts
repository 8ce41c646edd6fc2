import type { ShowtimeStatus } from '../core/domain.js';
import { assertTransition } from '../core/transitions.js';
import * as bookings from './bookings.js';
import * as seats from './seats.js';
import { num, whereAll, type Sql } from './sql.js';

export interface SeatCounts {
  total: number;
  available: number;
  held: number;
  booked: number;
}

export interface ShowtimeView {
  id: number;
  movieId: number;
  hallId: number;
  startsAt: Date;
  endsAt: Date;
  basePrice: number;
  currency: string;
  status: ShowtimeStatus;
  seatVersion: number;
  movie: { id: number; title: string; runtimeMin: number; rating: string; posterUrl: string | null };
  hall: { id: number; name: string; rows: number; cols: number };
  seats: SeatCounts;
}

export interface ShowtimeFilter {
  movieId?: number;
  hallId?: number;
  status?: ShowtimeStatus;
  /** starts_at >= from */
  from?: Date;
  /** starts_at < to */
  to?: Date;
  /** starts_at > after (public lists: upcoming only) */
  after?: Date;
  /** Newest first instead of soonest first. */
  descending?: boolean;
  limit: number;
  offset: number;
}

const SELECT = `SELECT st.id, st.movie_id, st.hall_id, st.starts_at, st.ends_at, st.base_price, st.currency, st.status,
  st.seat_version, m.title, m.runtime_min, m.rating, m.poster_url, h.name AS hall_name, h.\`rows\` AS hall_rows, h.cols AS hall_cols
  FROM showtimes st JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id`;

interface Row {
  id: number;
  movie_id: number;
  hall_id: number;
  starts_at: Date;
  ends_at: Date;
  base_price: number;
  currency: string;
  status: ShowtimeStatus;
  seat_version: number | string;
  title: string;
  runtime_min: number;
  rating: string;
  poster_url: string | null;
  hall_name: string;
  hall_rows: number;
  hall_cols: number;
}

const emptyCounts = (): SeatCounts => ({ total: 0, available: 0, held: 0, booked: 0 });

const toView = (r: Row, seats: SeatCounts | undefined): ShowtimeView => ({
  id: r.id,
  movieId: r.movie_id,
  hallId: r.hall_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  basePrice: r.base_price,
  currency: r.currency,
  status: r.status,
  seatVersion: Number(r.seat_version),
  movie: { id: r.movie_id, title: r.title, runtimeMin: r.runtime_min, rating: r.rating, posterUrl: r.poster_url },
  hall: { id: r.hall_id, name: r.hall_name, rows: r.hall_rows, cols: r.hall_cols },
  seats: seats ?? emptyCounts(),
});

/**
 * Seat counts of several showtimes in one grouped query over
 * (showtime_id, status). A hold past its held_until counts as available.
 */
export async function seatCounts(sql: Sql, showtimeIds: number[], now: Date): Promise<Map<number, SeatCounts>> {
  const out = new Map<number, SeatCounts>();
  if (showtimeIds.length === 0) return out;
  const rows: { id: number; total: number; booked: unknown; held: unknown }[] = await sql.query(
    `SELECT showtime_id AS id, COUNT(*) AS total,
       SUM(status = 'booked') AS booked,
       SUM(status = 'held' AND (held_until IS NULL OR held_until >= ?)) AS held
     FROM show_seats WHERE showtime_id IN (?) GROUP BY showtime_id`,
    [now, showtimeIds],
  );
  for (const r of rows) {
    const total = num(r.total);
    const booked = num(r.booked);
    const held = num(r.held);
    out.set(num(r.id), { total, booked, held, available: total - booked - held });
  }
  return out;
}

function where(f: Omit<ShowtimeFilter, 'limit' | 'offset'>): [string, unknown[]] {
  return whereAll([
    f.movieId !== undefined && ['st.movie_id = ?', f.movieId],
    f.hallId !== undefined && ['st.hall_id = ?', f.hallId],
    f.status !== undefined && ['st.status = ?', f.status],
    f.from !== undefined && ['st.starts_at >= ?', f.from],
    f.to !== undefined && ['st.starts_at < ?', f.to],
    f.after !== undefined && ['st.starts_at > ?', f.after],
  ]);
}

/** A page of showtimes with movie, hall and seat counts: three queries whatever the page size. */
export async function findShowtimes(sql: Sql, f: ShowtimeFilter, now: Date): Promise<{ items: ShowtimeView[]; total: number }> {
  const [w, params] = where(f);
  const order = f.descending ? 'st.starts_at DESC, st.id DESC' : 'st.starts_at, st.id';
  const [rows, [count]]: [Row[], { n: number }[]] = await Promise.all([
    sql.query(`${SELECT} ${w} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]),
    sql.query(`SELECT COUNT(*) AS n FROM showtimes st ${w}`, params),
  ]);
  const counts = await seatCounts(sql, rows.map((r) => r.id), now);
  return { items: rows.map((r) => toView(r, counts.get(r.id))), total: num(count?.n) };
}

export async function getShowtime(sql: Sql, id: number, now: Date): Promise<ShowtimeView | null> {
  const [row]: Row[] = await sql.query(`${SELECT} WHERE st.id = ?`, [id]);
  if (!row) return null;
  const counts = await seatCounts(sql, [id], now);
  return toView(row, counts.get(id));
}

/**
 * Bumps a showtime's seat version inside the caller's transaction (after its
 * seat rows are locked: seats before showtime is the lock order) and returns
 * the new value; null when the showtime is gone or, with `scheduledOnly`, no
 * longer scheduled.
 */
export async function bumpSeatVersion(sql: Sql, showtimeId: number, opts: { scheduledOnly?: boolean } = {}): Promise<number | null> {
  const res = await sql.query(`UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?${opts.scheduledOnly ? " AND status = 'scheduled'" : ''}`, [
    showtimeId,
  ]);
  if (res.affectedRows === 0) return null;
  const [row]: { v: number | string }[] = await sql.query('SELECT seat_version AS v FROM showtimes WHERE id = ?', [showtimeId]);
  return num(row?.v);
}

/** Bumps several showtimes' seat versions (a seat map rebuilt by an admin edit) and returns each new version. */
export async function bumpSeatVersions(sql: Sql, showtimeIds: readonly number[]): Promise<{ showtimeId: number; version: number }[]> {
  if (showtimeIds.length === 0) return [];
  await sql.query('UPDATE showtimes SET seat_version = seat_version + 1 WHERE id IN (?)', [showtimeIds]);
  const rows: { id: number; v: number | string }[] = await sql.query('SELECT id, seat_version AS v FROM showtimes WHERE id IN (?) ORDER BY id', [showtimeIds]);
  return rows.map((r) => ({ showtimeId: Number(r.id), version: num(r.v) }));
}

/** scheduled → cancelled. False when the showtime does not exist; a cancelled one stays so. */
export async function markCancelled(sql: Sql, showtimeId: number): Promise<boolean> {
  const [row]: { status: ShowtimeStatus }[] = await sql.query('SELECT status FROM showtimes WHERE id = ? FOR UPDATE', [showtimeId]);
  if (!row) return false;
  if (row.status === 'cancelled') return true;
  assertTransition('showtime', row.status, 'cancelled', showtimeId);
  await sql.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [showtimeId]);
  return true;
}

export const exists = async (sql: Sql, id: number): Promise<boolean> => (await sql.query('SELECT 1 AS ok FROM showtimes WHERE id = ?', [id])).length > 0;

/** What an edit starts from, the row locked. */
export interface ShowtimeRow {
  id: number;
  hallId: number;
  movieId: number;
  startsAt: Date;
  basePrice: number;
  currency: string;
  status: ShowtimeStatus;
}

export async function lockForEdit(sql: Sql, id: number): Promise<ShowtimeRow | null> {
  const [r]: { hall_id: number; movie_id: number; starts_at: Date; base_price: number; currency: string; status: ShowtimeStatus }[] = await sql.query(
    'SELECT hall_id, movie_id, starts_at, base_price, currency, status FROM showtimes WHERE id = ? FOR UPDATE',
    [id],
  );
  return r ? { id, hallId: r.hall_id, movieId: r.movie_id, startsAt: r.starts_at, basePrice: r.base_price, currency: r.currency, status: r.status } : null;
}

/** The hall a showtime is in, read without a lock: which hall to lock first. */
export async function hallOf(sql: Sql, id: number): Promise<number | null> {
  const [row]: { hall_id: number }[] = await sql.query('SELECT hall_id FROM showtimes WHERE id = ?', [id]);
  return row ? row.hall_id : null;
}

/** Showtimes of a hall (id, base price), for an edit holding the hall lock. */
export async function ofHall(sql: Sql, hallId: number): Promise<{ id: number; basePrice: number }[]> {
  const rows: { id: number; base_price: number }[] = await sql.query('SELECT id, base_price FROM showtimes WHERE hall_id = ? ORDER BY id', [hallId]);
  return rows.map((r) => ({ id: Number(r.id), basePrice: r.base_price }));
}

export const countOfHall = async (sql: Sql, hallId: number): Promise<number> =>
  num((await sql.query('SELECT COUNT(*) AS n FROM showtimes WHERE hall_id = ?', [hallId]))[0]?.n);

/**
 * The first scheduled showtime of the hall that overlaps [startsAt, endsAt)
 * (touching is fine), other than `ignoreId`. A locking read: it sees every
 * committed showtime even if the caller's snapshot is older.
 */
export async function firstClash(
  sql: Sql,
  hallId: number,
  startsAt: Date,
  endsAt: Date,
  ignoreId = 0,
): Promise<{ id: number; movieId: number; startsAt: Date; endsAt: Date } | null> {
  const [c]: { id: number; movie_id: number; starts_at: Date; ends_at: Date }[] = await sql.query(
    `SELECT id, movie_id, starts_at, ends_at FROM showtimes
     WHERE hall_id = ? AND status = 'scheduled' AND starts_at < ? AND ends_at > ? AND id <> ?
     ORDER BY starts_at LIMIT 1 LOCK IN SHARE MODE`,
    [hallId, endsAt, startsAt, ignoreId],
  );
  return c ? { id: c.id, movieId: c.movie_id, startsAt: c.starts_at, endsAt: c.ends_at } : null;
}

/** Scheduled showtimes of a movie that start after `after` (shared lock): what a change to the movie must keep valid. */
export async function upcomingOfMovie(sql: Sql, movieId: number, after: Date, by: 'starts_at' | 'ends_at'): Promise<{ id: number; startsAt: Date; endsAt: Date }[]> {
  const rows: { id: number; starts_at: Date; ends_at: Date }[] = await sql.query(
    `SELECT id, starts_at, ends_at FROM showtimes WHERE movie_id = ? AND status = 'scheduled' AND ${by} > ? ORDER BY starts_at LOCK IN SHARE MODE`,
    [movieId, after],
  );
  return rows.map((r) => ({ id: r.id, startsAt: r.starts_at, endsAt: r.ends_at }));
}

export interface NewShowtime extends Pick<ShowtimeView, 'movieId' | 'hallId' | 'startsAt' | 'endsAt' | 'basePrice' | 'currency'> {
  createdAt: Date;
}

/** A showtime and one available show seat per hall seat. Overlap rules are the caller's (under the hall lock). */
export async function create(sql: Sql, s: NewShowtime): Promise<number> {
  const res: { insertId: number } = await sql.query(
    `INSERT INTO showtimes (movie_id, hall_id, starts_at, ends_at, base_price, currency, status, seat_version, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'scheduled', 0, ?)`,
    [s.movieId, s.hallId, s.startsAt, s.endsAt, s.basePrice, s.currency, s.createdAt],
  );
  await seats.materialise(sql, s.hallId, [{ id: res.insertId, basePrice: s.basePrice }]);
  return res.insertId;
}

export async function update(sql: Sql, id: number, s: { hallId: number; startsAt: Date; endsAt: Date; basePrice: number; currency: string }): Promise<void> {
  await sql.query('UPDATE showtimes SET hall_id = ?, starts_at = ?, ends_at = ?, base_price = ?, currency = ? WHERE id = ?', [
    s.hallId,
    s.startsAt,
    s.endsAt,
    s.basePrice,
    s.currency,
    id,
  ]);
}

export const remove = async (sql: Sql, id: number): Promise<void> => {
  await sql.query('DELETE FROM showtimes WHERE id = ?', [id]);
};

/** Removes a movie's showtimes (with their show seats, by cascade); the caller checked nobody booked them. */
export const removeOfMovie = async (sql: Sql, movieId: number): Promise<void> => {
  await sql.query('DELETE FROM showtimes WHERE movie_id = ?', [movieId]);
};

/** A showtime occupies its hall from starts_at to ends_at (runtime + cleaning buffer). */
export const showtimeEnd = (startsAt: Date, runtimeMin: number, cleaningBufferMin: number): Date =>
  new Date(startsAt.getTime() + (runtimeMin + cleaningBufferMin) * 60_000);

/**
 * Locks the show seats of these showtimes (a hold's lock order) and counts
 * what customers did there: seats held or booked now, bookings ever made. A
 * showtime with either may not have its seats rebuilt.
 */
export async function customerActivity(sql: Sql, showtimeIds: readonly number[]): Promise<{ bookings: number; occupiedSeats: number }> {
  const occupiedSeats = await seats.lockAndCountOccupied(sql, showtimeIds);
  return { bookings: await bookings.countOfShowtimes(sql, [...showtimeIds]), occupiedSeats };
}

export const hasCustomers = (a: { bookings: number; occupiedSeats: number }): boolean => a.bookings > 0 || a.occupiedSeats > 0;

/** What a hold checks of its showtime (and the shape of its hall, for choosing seats), by primary key. */
export async function basics(
  sql: Sql,
  id: number,
): Promise<{ id: number; movieId: number; status: ShowtimeStatus; startsAt: Date; currency: string; hall: { rows: number; cols: number } } | null> {
  const [r]: { movie_id: number; status: ShowtimeStatus; starts_at: Date; currency: string; hr: number; hc: number }[] = await sql.query(
    'SELECT st.movie_id, st.status, st.starts_at, st.currency, h.`rows` AS hr, h.cols AS hc FROM showtimes st JOIN halls h ON h.id = st.hall_id WHERE st.id = ?',
    [id],
  );
  return r ? { id, movieId: r.movie_id, status: r.status, startsAt: r.starts_at, currency: r.currency, hall: { rows: r.hr, cols: r.hc } } : null;
}

/** Whether the hall has a showtime starting at exactly this time (the seed's natural key). */
export const existsAt = async (sql: Sql, hallId: number, startsAt: Date): Promise<boolean> =>
  (await sql.query('SELECT 1 AS ok FROM showtimes WHERE hall_id = ? AND starts_at = ?', [hallId, startsAt])).length > 0;
