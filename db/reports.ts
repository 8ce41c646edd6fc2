import type { ShowtimeStatus } from '../core/domain.js';
import { TicketTypeCodes, type TicketTypeCode } from '../core/pricing.js';
import { num, type Sql } from './sql.js';

/**
 * Admin reports, aggregated in SQL. Every report selects showtimes by their
 * start, in UTC: [from, to) here, whole days at the HTTP layer.
 */
export interface Range {
  from: Date;
  to: Date;
}

const pct = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export interface OccupancyItem {
  showtimeId: number;
  /** The UTC day the showtime starts on. */
  day: string;
  startsAt: Date;
  status: ShowtimeStatus;
  movie: { id: number; title: string };
  hall: { id: number; name: string };
  total: number;
  booked: number;
  held: number;
  available: number;
  occupancyPct: number;
}

/** Seats per scheduled showtime: booked, held (live holds only) and available (expired holds included). */
export async function occupancy(sql: Sql, r: Range, now: Date, page: { limit: number; offset: number }) {
  const seatSums = `COUNT(ss.id) AS total, SUM(ss.status = 'booked') AS booked,
    SUM(ss.status = 'held' AND (ss.held_until IS NULL OR ss.held_until >= ?)) AS held`;
  const rangeWhere = "st.status = 'scheduled' AND st.starts_at >= ? AND st.starts_at < ?";
  const [rows, [totals]] = await Promise.all([
    sql.query(
      `SELECT st.id, DATE_FORMAT(st.starts_at, '%Y-%m-%d') AS day, st.starts_at, st.status, m.id AS movie_id, m.title, h.id AS hall_id, h.name AS hall_name, ${seatSums}
       FROM showtimes st JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
       LEFT JOIN show_seats ss ON ss.showtime_id = st.id
       WHERE ${rangeWhere}
       GROUP BY st.id, st.starts_at, st.status, m.id, m.title, h.id, h.name
       ORDER BY st.starts_at, st.id LIMIT ? OFFSET ?`,
      [now, r.from, r.to, page.limit, page.offset],
    ) as Promise<Record<string, unknown>[]>,
    sql.query(
      `SELECT COUNT(DISTINCT st.id) AS showtimes, ${seatSums}
       FROM showtimes st LEFT JOIN show_seats ss ON ss.showtime_id = st.id WHERE ${rangeWhere}`,
      [now, r.from, r.to],
    ) as Promise<Record<string, unknown>[]>,
  ]);
  const items: OccupancyItem[] = rows.map((row) => {
    const total = num(row.total);
    const booked = num(row.booked);
    const held = num(row.held);
    return {
      showtimeId: num(row.id),
      day: String(row.day),
      startsAt: row.starts_at as Date,
      status: row.status as ShowtimeStatus,
      movie: { id: num(row.movie_id), title: String(row.title) },
      hall: { id: num(row.hall_id), name: String(row.hall_name) },
      total,
      booked,
      held,
      available: total - booked - held,
      occupancyPct: pct(booked, total),
    };
  });
  const seats = num(totals?.total);
  const booked = num(totals?.booked);
  const held = num(totals?.held);
  return {
    items,
    total: num(totals?.showtimes),
    totals: { showtimes: num(totals?.showtimes), seats, booked, held, available: seats - booked - held, occupancyPct: pct(booked, seats) },
  };
}

/** Seats of the scheduled showtimes of each hall on each day (the heat map of days × halls), by day then hall name. */
export async function occupancyByDay(sql: Sql, r: Range, now: Date) {
  const rows: Record<string, unknown>[] = await sql.query(
    `SELECT DATE_FORMAT(st.starts_at, '%Y-%m-%d') AS day, h.id AS hall_id, h.name AS hall_name, COUNT(DISTINCT st.id) AS showtimes,
       COUNT(ss.id) AS total, SUM(ss.status = 'booked') AS booked,
       SUM(ss.status = 'held' AND (ss.held_until IS NULL OR ss.held_until >= ?)) AS held
     FROM showtimes st JOIN halls h ON h.id = st.hall_id LEFT JOIN show_seats ss ON ss.showtime_id = st.id
     WHERE st.status = 'scheduled' AND st.starts_at >= ? AND st.starts_at < ?
     GROUP BY day, h.id, h.name ORDER BY day, h.name, h.id`,
    [now, r.from, r.to],
  );
  return rows.map((row) => {
    const seats = num(row.total);
    const booked = num(row.booked);
    const held = num(row.held);
    return {
      day: String(row.day),
      hall: { id: num(row.hall_id), name: String(row.hall_name) },
      showtimes: num(row.showtimes),
      seats,
      booked,
      held,
      available: seats - booked - held,
      occupancyPct: pct(booked, seats),
    };
  });
}

/**
 * What sales are broken down by. Each is a column of a booked seat: its seat
 * type now; a ticket type (adult, child, …) is one more entry here once
 * booked seats carry one.
 */
export const SalesDimensions = { 'seat-type': 'hs.seat_type' } as const;
export type SalesDimension = keyof typeof SalesDimensions;

/** Seats sold and their prices per value of the dimension and currency: CONFIRMED as sales, REFUNDED apart. Most seats first. */
export async function salesBy(sql: Sql, r: Range, by: SalesDimension) {
  const key = SalesDimensions[by];
  const rows: Record<string, unknown>[] = await sql.query(
    `SELECT ${key} AS k, b.currency,
       SUM(b.status = 'CONFIRMED') AS seats, SUM(CASE WHEN b.status = 'CONFIRMED' THEN bs.price ELSE 0 END) AS revenue,
       SUM(b.status = 'REFUNDED') AS refundedSeats, SUM(CASE WHEN b.status = 'REFUNDED' THEN bs.price ELSE 0 END) AS refundedAmount
     FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id JOIN showtimes st ON st.id = b.showtime_id
       JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
     WHERE b.status IN ('CONFIRMED', 'REFUNDED') AND st.starts_at >= ? AND st.starts_at < ?
     GROUP BY k, b.currency ORDER BY b.currency, seats DESC, k`,
    [r.from, r.to],
  );
  return rows.map((row) => ({
    key: String(row.k),
    currency: String(row.currency),
    seats: num(row.seats),
    revenue: num(row.revenue),
    refundedSeats: num(row.refundedSeats),
    refundedAmount: num(row.refundedAmount),
  }));
}

/**
 * CONFIRMED and REFUNDED bookings of showtimes in the range, one row each with
 * its seat count: the base of the revenue and popularity reports. Other
 * statuses never took (or kept) money.
 */
const SOLD = `SELECT b.id, b.status, b.amount, b.currency, st.movie_id, DATE_FORMAT(st.starts_at, '%Y-%m-%d') AS day,
    (SELECT COUNT(*) FROM booking_seats bs WHERE bs.booking_id = b.id) AS seats
  FROM bookings b JOIN showtimes st ON st.id = b.showtime_id
  WHERE b.status IN ('CONFIRMED', 'REFUNDED') AND st.starts_at >= ? AND st.starts_at < ?`;

const FIGURES = `x.currency,
  SUM(x.status = 'CONFIRMED') AS bookings,
  SUM(CASE WHEN x.status = 'CONFIRMED' THEN x.seats ELSE 0 END) AS seats,
  SUM(CASE WHEN x.status = 'CONFIRMED' THEN x.amount ELSE 0 END) AS revenue,
  SUM(x.status = 'REFUNDED') AS refundedBookings,
  SUM(CASE WHEN x.status = 'REFUNDED' THEN x.amount ELSE 0 END) AS refundedAmount`;

export interface RevenueFigures {
  currency: string;
  bookings: number;
  seats: number;
  revenue: number;
  refundedBookings: number;
  refundedAmount: number;
}

const figures = (row: Record<string, unknown>): RevenueFigures => ({
  currency: String(row.currency),
  bookings: num(row.bookings),
  seats: num(row.seats),
  revenue: num(row.revenue),
  refundedBookings: num(row.refundedBookings),
  refundedAmount: num(row.refundedAmount),
});

/** Money per currency: in total, per movie (highest revenue first) and per showtime day. */
export async function revenue(sql: Sql, r: Range) {
  const params = [r.from, r.to];
  const [totals, byMovie, byDay]: Record<string, unknown>[][] = await Promise.all([
    sql.query(`SELECT ${FIGURES} FROM (${SOLD}) x GROUP BY x.currency ORDER BY x.currency`, params),
    sql.query(
      `SELECT m.id AS movieId, m.title, ${FIGURES} FROM (${SOLD}) x JOIN movies m ON m.id = x.movie_id
       GROUP BY m.id, m.title, x.currency ORDER BY revenue DESC, m.title, m.id, x.currency`,
      params,
    ),
    sql.query(`SELECT x.day, ${FIGURES} FROM (${SOLD}) x GROUP BY x.day, x.currency ORDER BY x.day, x.currency`, params),
  ]);
  return {
    totals: totals!.map(figures),
    byMovie: byMovie!.map((row) => ({ movieId: num(row.movieId), title: String(row.title), ...figures(row) })),
    byDay: byDay!.map((row) => ({ day: String(row.day), ...figures(row) })),
  };
}

/** Movies by seats of CONFIRMED bookings, most first (ties: more bookings, then title). */
export async function popular(sql: Sql, r: Range, limit: number) {
  const rows: Record<string, unknown>[] = await sql.query(
    `SELECT m.id AS movieId, m.title, SUM(x.seats) AS seatsBooked, COUNT(*) AS bookings,
       (SELECT COUNT(*) FROM showtimes s2 WHERE s2.movie_id = m.id AND s2.status = 'scheduled'
          AND s2.starts_at >= ? AND s2.starts_at < ?) AS showtimes
     FROM (${SOLD}) x JOIN movies m ON m.id = x.movie_id
     WHERE x.status = 'CONFIRMED'
     GROUP BY m.id, m.title ORDER BY seatsBooked DESC, bookings DESC, m.title, m.id LIMIT ?`,
    [r.from, r.to, r.from, r.to, limit],
  );
  return rows.map((row, i) => ({
    rank: i + 1,
    movieId: num(row.movieId),
    title: String(row.title),
    seatsBooked: num(row.seatsBooked),
    bookings: num(row.bookings),
    showtimes: num(row.showtimes),
  }));
}

export interface TicketTypeRevenue {
  currency: string;
  ticketType: TicketTypeCode;
  seats: number;
  gross: number;
  discount: number;
  revenue: number;
  refundedSeats: number;
  refundedAmount: number;
}

/**
 * Seats of CONFIRMED bookings per currency and ticket type: their prices as
 * that type (gross), their shares of the promo discounts, and what remains
 * (revenue; per currency it adds up to the revenue report's). REFUNDED ones
 * apart. Ticket types in list order.
 */
export async function revenueByTicketType(sql: Sql, r: Range): Promise<TicketTypeRevenue[]> {
  const rows: Record<string, unknown>[] = await sql.query(
    `SELECT b.currency, bs.ticket_type,
       SUM(b.status = 'CONFIRMED') AS seats,
       SUM(CASE WHEN b.status = 'CONFIRMED' THEN bs.price ELSE 0 END) AS gross,
       SUM(CASE WHEN b.status = 'CONFIRMED' THEN bs.discount ELSE 0 END) AS discount,
       SUM(b.status = 'REFUNDED') AS refundedSeats,
       SUM(CASE WHEN b.status = 'REFUNDED' THEN bs.price - bs.discount ELSE 0 END) AS refundedAmount
     FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id JOIN showtimes st ON st.id = b.showtime_id
     WHERE b.status IN ('CONFIRMED', 'REFUNDED') AND st.starts_at >= ? AND st.starts_at < ?
     GROUP BY b.currency, bs.ticket_type`,
    [r.from, r.to],
  );
  const order = (t: unknown): number => TicketTypeCodes.indexOf(t as TicketTypeCode);
  return rows
    .map((row) => {
      const gross = num(row.gross);
      const discount = num(row.discount);
      return {
        currency: String(row.currency),
        ticketType: row.ticket_type as TicketTypeCode,
        seats: num(row.seats),
        gross,
        discount,
        revenue: gross - discount,
        refundedSeats: num(row.refundedSeats),
        refundedAmount: num(row.refundedAmount),
      };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency) || order(a.ticketType) - order(b.ticketType));
}
