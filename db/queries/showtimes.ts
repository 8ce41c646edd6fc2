import type { ShowtimeStatus } from '../../core/domain.js';
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
