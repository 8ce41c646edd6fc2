import { OpenBookingStatuses, type BookingStatus, type PaymentProviderName, type SeatType } from '../core/domain.js';
import type { Config } from '../core/config.js';
import { AppError, notFound } from '../core/errors.js';
import { bookingLines, discountSummary, type BookingLine, type TicketTypeCode } from '../core/pricing.js';
import { assertTransition, sourcesOf } from '../core/transitions.js';
import { likeContains, placeholders, whereAll, type Sql } from './sql.js';

/**
 * Bookings (= checkouts; the id is the checkout workflow id) and the seats
 * each one names. Every status change goes through `transition`, which the
 * booking transition table of core/domain allows or refuses.
 */

/** A seat of a booking: its ticket type, its price as that type (before the discount) and its share of the booking's discount. */
export interface BookedSeat {
  id: number;
  label: string;
  type: SeatType;
  price: number;
  ticketType: TicketTypeCode;
  discount: number;
}

interface BookedSeatRow {
  show_seat_id: number;
  label: string;
  price: number;
  seat_type: SeatType;
  ticket_type: TicketTypeCode;
  discount: number;
}

const bookedSeat = (r: BookedSeatRow): BookedSeat => ({
  id: Number(r.show_seat_id),
  label: r.label,
  type: r.seat_type,
  price: r.price,
  ticketType: r.ticket_type,
  discount: r.discount,
});

const BOOKED_SEAT_COLUMNS = 'bs.show_seat_id, bs.label, bs.price, hs.seat_type, bs.ticket_type, bs.discount';

export interface NewHold {
  id: string;
  userId: number;
  showtimeId: number;
  amount: number;
  /** The promo code redeemed (stored form) and the discount it gave; null and 0 without one. */
  promoCode: string | null;
  discount: number;
  currency: string;
  provider: PaymentProviderName;
  idempotencyKey: string | null;
  holdExpiresAt: Date;
  seats: Omit<BookedSeat, 'type'>[];
}

/** The booking row of a new hold (HOLDING) and its seats, in the hold's transaction. */
export async function insertHold(sql: Sql, b: NewHold, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO bookings (id, user_id, showtime_id, status, amount, promo_code, discount, currency, payment_provider, idempotency_key, hold_expires_at, created_at, updated_at)
     VALUES (?, ?, ?, 'HOLDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [b.id, b.userId, b.showtimeId, b.amount, b.promoCode, b.discount, b.currency, b.provider, b.idempotencyKey, b.holdExpiresAt, now, now],
  );
  await sql.query(
    `INSERT INTO booking_seats (booking_id, show_seat_id, label, price, ticket_type, discount) VALUES ${b.seats.map(() => '(?, ?, ?, ?, ?, ?)').join(',')}`,
    b.seats.flatMap((s) => [b.id, s.id, s.label, s.price, s.ticketType, s.discount]),
  );
}

/** The seats a booking holds or held, with what it costs and when its hold ends: a retried hold answers with it. Null when there is none. */
export async function heldOf(sql: Sql, id: string): Promise<{ seats: BookedSeat[]; amount: number; expiresAt: Date } | null> {
  const rows: (BookedSeatRow & { hold_expires_at: Date; amount: number })[] = await sql.query(
    `SELECT b.hold_expires_at, b.amount, ${BOOKED_SEAT_COLUMNS}
       FROM bookings b JOIN booking_seats bs ON bs.booking_id = b.id
       JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
      WHERE b.id = ? ORDER BY bs.show_seat_id`,
    [id],
  );
  const first = rows[0];
  if (!first) return null;
  return { seats: rows.map(bookedSeat), amount: first.amount, expiresAt: first.hold_expires_at };
}

/** How many unpaid checkouts one account may have open at once (MAX_OPEN_CHECKOUTS_PER_USER / _PER_SHOWTIME). */
export interface OpenCheckoutLimits {
  perUser: number;
  perShowtime: number;
}

/**
 * Refuses a new checkout (TOO_MANY_OPEN_CHECKOUTS) when the user already has
 * `limits.perUser` open ones, or `limits.perShowtime` for this showtime. Open
 * means HOLDING or AWAITING_PAYMENT with a hold that has not run out; the
 * checkout itself (a retried hold) does not count. Exact under concurrency
 * only inside the hold as db/checkouts.ts runs it: the user's row locked
 * first (users.lockForCheckout), so the same user's holds count one after
 * the other, and no plain read before that lock, so the transaction's
 * snapshot is taken after it was granted and sees every hold committed before.
 */
export async function assertMayOpenCheckout(
  sql: Sql,
  r: { userId: number; showtimeId: number; checkoutId: string; limits: OpenCheckoutLimits; now: Date },
): Promise<void> {
  const open: { id: string; showtime_id: number }[] = await sql.query(
    `SELECT id, showtime_id FROM bookings
      WHERE user_id = ? AND status IN (${placeholders(OpenBookingStatuses.length)}) AND hold_expires_at > ? AND id <> ?
      ORDER BY created_at, id`,
    [r.userId, ...OpenBookingStatuses, r.now, r.checkoutId],
  );
  const here = open.filter((b) => Number(b.showtime_id) === r.showtimeId);
  const refuse = (scope: 'user' | 'showtime', max: number, ids: string[]) =>
    new AppError(
      'TOO_MANY_OPEN_CHECKOUTS',
      scope === 'user'
        ? `You already have ${ids.length} unpaid checkouts (at most ${max}): pay for one or cancel it first`
        : `You already have ${ids.length} unpaid checkouts for this showtime (at most ${max}): pay for one or cancel it first`,
      { scope, max, openCheckoutIds: ids },
    );
  if (here.length >= r.limits.perShowtime) throw refuse('showtime', r.limits.perShowtime, here.map((b) => b.id));
  if (open.length >= r.limits.perUser) throw refuse('user', r.limits.perUser, open.map((b) => b.id));
}

/** The show seat ids a booking names, ascending (its lock order). */
export async function seatIdsOf(sql: Sql, id: string): Promise<number[]> {
  const rows: { show_seat_id: number }[] = await sql.query('SELECT show_seat_id FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [id]);
  return rows.map((r) => Number(r.show_seat_id));
}

export interface BookingState {
  id: string;
  userId: number;
  showtimeId: number;
  status: BookingStatus;
  intentId: string | null;
}

export async function getState(sql: Sql, id: string, opts: { lock?: boolean } = {}): Promise<BookingState | null> {
  const [row]: { user_id: number; showtime_id: number; status: BookingStatus; payment_intent_id: string | null }[] = await sql.query(
    `SELECT user_id, showtime_id, status, payment_intent_id FROM bookings WHERE id = ?${opts.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? { id, userId: row.user_id, showtimeId: row.showtime_id, status: row.status, intentId: row.payment_intent_id } : null;
}

/**
 * Moves a booking to `to`. A booking already there is left as it is (steps
 * are retried); one in a status the table does not allow `to` from fails with
 * ILLEGAL_TRANSITION. Returns whether the row changed.
 */
export async function transition(
  sql: Sql,
  id: string,
  to: BookingStatus,
  now: Date,
  set: { reason?: string | null; payment?: { provider: PaymentProviderName; intentId: string } } = {},
): Promise<boolean> {
  const columns: [string, unknown][] = [['status', to], ['updated_at', now]];
  if (set.reason !== undefined) columns.push(['reason', set.reason === null ? null : set.reason.slice(0, 255)]);
  if (set.payment !== undefined) columns.push(['payment_provider', set.payment.provider], ['payment_intent_id', set.payment.intentId]);
  const from = sourcesOf('booking', to);
  const res = await sql.query(
    `UPDATE bookings SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND status IN (${placeholders(from.length)})`,
    [...columns.map(([, v]) => v), id, ...from],
  );
  if (res.affectedRows > 0) return true;
  const current = await getState(sql, id);
  if (!current) throw notFound('booking', id);
  if (current.status !== to) assertTransition('booking', current.status, to, id);
  return false;
}

/** The payment intent is created: the checkout now awaits its payment, from whoever holds the intent (`free` for a booking that costs nothing). */
export const awaitPayment = (sql: Sql, id: string, payment: { provider: PaymentProviderName; intentId: string }, now: Date): Promise<boolean> =>
  transition(sql, id, 'AWAITING_PAYMENT', now, { payment });

export const confirm = (sql: Sql, id: string, now: Date): Promise<boolean> => transition(sql, id, 'CONFIRMED', now, { reason: null });

/** An open checkout ends without a sale. */
export const release = (sql: Sql, id: string, status: 'EXPIRED' | 'CANCELLED' | 'FAILED', reason: string, now: Date): Promise<boolean> =>
  transition(sql, id, status, now, { reason });

export const markRefunded = (sql: Sql, id: string, reason: string, now: Date): Promise<boolean> =>
  transition(sql, id, 'REFUNDED', now, { reason });

/** Notes why a closed, unsold checkout's late payment was refunded; a confirmed booking's reason is left alone. */
export async function noteLateRefund(sql: Sql, id: string, reason: string, now: Date): Promise<void> {
  await sql.query('UPDATE bookings SET reason = ?, updated_at = ? WHERE id = ? AND status <> ?', [
    `late payment refunded: ${reason}`.slice(0, 255),
    now,
    id,
    'CONFIRMED',
  ]);
}

/** The booking a payment intent belongs to (a webhook whose event lacks the checkout id). */
export async function idOfIntent(sql: Sql, intentId: string): Promise<string | null> {
  const [row]: { id: string }[] = await sql.query('SELECT id FROM bookings WHERE payment_intent_id = ? LIMIT 1', [intentId]);
  return row?.id ?? null;
}

/** Open and confirmed bookings of a showtime, locked: what its cancellation must unwind. */
export async function lockLiveOfShowtime(sql: Sql, showtimeId: number): Promise<{ id: string; status: BookingStatus }[]> {
  return sql.query(
    "SELECT id, status FROM bookings WHERE showtime_id = ? AND status IN ('HOLDING', 'AWAITING_PAYMENT', 'CONFIRMED') FOR UPDATE",
    [showtimeId],
  );
}

/** How many bookings (any status) these showtimes ever had, read with a shared lock. */
export async function countOfShowtimes(sql: Sql, showtimeIds: number[]): Promise<number> {
  if (showtimeIds.length === 0) return 0;
  const [row]: { n: number }[] = await sql.query('SELECT COUNT(*) AS n FROM bookings WHERE showtime_id IN (?) LOCK IN SHARE MODE', [showtimeIds]);
  return Number(row?.n ?? 0);
}

/** How many bookings (any status) the showtimes of a movie ever had. */
export async function countOfMovie(sql: Sql, movieId: number): Promise<number> {
  const [row]: { n: number }[] = await sql.query(
    'SELECT COUNT(*) AS n FROM bookings b JOIN showtimes st ON st.id = b.showtime_id WHERE st.movie_id = ?',
    [movieId],
  );
  return Number(row?.n ?? 0);
}

/** What a confirmation message says about a booking. */
export interface BookingSummary {
  userId: number;
  title: string;
  startsAt: Date;
  hall: string;
  amount: number;
  currency: string;
  seatLabels: string[];
}

export async function summaryOf(sql: Sql, id: string): Promise<BookingSummary | null> {
  const [b]: { user_id: number; title: string; starts_at: Date; hall: string; amount: number; currency: string }[] = await sql.query(
    `SELECT b.user_id, m.title, st.starts_at, h.name AS hall, b.amount, b.currency
       FROM bookings b JOIN showtimes st ON st.id = b.showtime_id
       JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
      WHERE b.id = ?`,
    [id],
  );
  if (!b) return null;
  const seats: { label: string }[] = await sql.query('SELECT label FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [id]);
  return { userId: b.user_id, title: b.title, startsAt: b.starts_at, hall: b.hall, amount: b.amount, currency: b.currency, seatLabels: seats.map((s) => s.label) };
}

export interface BookingView {
  checkoutId: string;
  status: BookingStatus;
  showtimeId: number;
  seats: { id: number; label: string; type: SeatType; price: number }[];
  /** One per seat: its ticket type, price and share of the discount. */
  lines: BookingLine[];
  amount: number;
  discount: { code: string; amount: number } | null;
  currency: string;
  expiresAt: string | null;
  payment: { provider: PaymentProviderName; intentId: string } | null;
  reason: string | null;
  movie: { id: number; title: string };
  hall: { id: number; name: string };
  startsAt: string;
  createdAt: string;
  updatedAt: string;
  cancellableUntil: string | null;
  userId: number;
}

interface BookingRow {
  id: string;
  user_id: number;
  showtime_id: number;
  status: BookingStatus;
  amount: number;
  promo_code: string | null;
  currency: string;
  payment_provider: PaymentProviderName;
  payment_intent_id: string | null;
  hold_expires_at: Date;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  starts_at: Date;
  movie_id: number;
  title: string;
  hall_id: number;
  hall_name: string;
}

const SELECT_BOOKINGS = `
  SELECT b.id, b.user_id, b.showtime_id, b.status, b.amount, b.promo_code, b.currency, b.payment_provider, b.payment_intent_id,
         b.hold_expires_at, b.reason, b.created_at, b.updated_at,
         st.starts_at, m.id AS movie_id, m.title, h.id AS hall_id, h.name AS hall_name
    FROM bookings b
    JOIN showtimes st ON st.id = b.showtime_id
    JOIN movies m ON m.id = st.movie_id
    JOIN halls h ON h.id = st.hall_id`;

export interface BookingFilter {
  id?: string;
  /** Text contained in the checkout id (operators paste part of one). */
  idContains?: string;
  userId?: number;
  /** Text contained in the customer's email. */
  email?: string;
  showtimeId?: number;
  status?: BookingStatus;
  /** created_at >= createdFrom */
  createdFrom?: Date;
  /** created_at < createdTo */
  createdTo?: Date;
  limit?: number;
  offset?: number;
}

/** Bookings as the API shows them, read from MySQL (the source of truth), seats in one extra query. */
export async function findBookings(
  ds: Sql,
  config: Pick<Config, 'BOOKING_CANCEL_CUTOFF_MINUTES'>,
  f: BookingFilter,
): Promise<{ items: BookingView[]; total: number }> {
  const [whereSql, params] = whereAll([
    f.id !== undefined && ['b.id = ?', f.id],
    f.idContains !== undefined && ["b.id LIKE ? ESCAPE '!'", likeContains(f.idContains)],
    f.userId !== undefined && ['b.user_id = ?', f.userId],
    f.email !== undefined && ["EXISTS (SELECT 1 FROM users u WHERE u.id = b.user_id AND u.email LIKE ? ESCAPE '!')", likeContains(f.email)],
    f.showtimeId !== undefined && ['b.showtime_id = ?', f.showtimeId],
    f.status !== undefined && ['b.status = ?', f.status],
    f.createdFrom !== undefined && ['b.created_at >= ?', f.createdFrom],
    f.createdTo !== undefined && ['b.created_at < ?', f.createdTo],
  ]);
  const limit = f.limit ?? 1;
  const offset = f.offset ?? 0;
  const [rows, counted]: [BookingRow[], { total: number }[]] = await Promise.all([
    ds.query(`${SELECT_BOOKINGS} ${whereSql} ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?`, [...params, limit, offset]),
    f.id !== undefined ? Promise.resolve([{ total: 1 }]) : ds.query(`SELECT COUNT(*) AS total FROM bookings b ${whereSql}`, params),
  ]);
  const total = Number(counted[0]?.total ?? 0);
  if (rows.length === 0) return { items: [], total };
  const seatRows: (BookedSeatRow & { booking_id: string })[] = await ds.query(
    `SELECT bs.booking_id, ${BOOKED_SEAT_COLUMNS}
       FROM booking_seats bs JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
      WHERE bs.booking_id IN (${rows.map(() => '?').join(',')}) ORDER BY bs.show_seat_id`,
    rows.map((r) => r.id),
  );
  const cutoffMs = config.BOOKING_CANCEL_CUTOFF_MINUTES * 60_000;
  const items = rows.map((r): BookingView => {
    const open = r.status === 'HOLDING' || r.status === 'AWAITING_PAYMENT';
    const seats = seatRows.filter((s) => s.booking_id === r.id).map(bookedSeat);
    const lines = bookingLines(seats);
    return {
      checkoutId: r.id,
      status: r.status,
      showtimeId: r.showtime_id,
      seats: seats.map(({ id, label, type, price }) => ({ id, label, type, price })),
      lines,
      amount: r.amount,
      discount: discountSummary(r.promo_code, lines),
      currency: r.currency,
      expiresAt: open ? r.hold_expires_at.toISOString() : null,
      payment: r.payment_intent_id ? { provider: r.payment_provider, intentId: r.payment_intent_id } : null,
      reason: r.reason,
      movie: { id: r.movie_id, title: r.title },
      hall: { id: r.hall_id, name: r.hall_name },
      startsAt: r.starts_at.toISOString(),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      cancellableUntil: r.status === 'CONFIRMED' ? new Date(r.starts_at.getTime() - cutoffMs).toISOString() : null,
      userId: r.user_id,
    };
  });
  return { items, total };
}

export async function findBooking(ds: Sql, config: Pick<Config, 'BOOKING_CANCEL_CUTOFF_MINUTES'>, id: string): Promise<BookingView | null> {
  return (await findBookings(ds, config, { id })).items[0] ?? null;
}

/** Sets when the hold ends. */
export async function moveHoldExpiry(sql: Sql, id: string, until: Date): Promise<void> {
  await sql.query('UPDATE bookings SET hold_expires_at = ? WHERE id = ?', [until, id]);
}
