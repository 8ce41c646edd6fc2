import type { WaitlistStatus } from '../core/domain.js';
import { assertTransition, sourcesOf } from '../core/transitions.js';
import type { DataSource } from 'typeorm';
import * as notifications from './notifications.js';
import { inTransaction, isDuplicateKey, num, placeholders, type Sql } from './sql.js';

/**
 * Waitlist entries: a buyer in a showtime's line for `count` seats
 * (docs/waitlist.md). The line's order is `seq`. Every status change is
 * checked against the waitlist transition table of core/domain.
 */

export interface WaitlistEntry {
  id: string;
  showtimeId: number;
  userId: number;
  count: number;
  status: WaitlistStatus;
  /** The checkout holding seats for this entry, once it has an offer. */
  offerCheckoutId: string | null;
  createdAt: Date;
  /** Place in line among the waiting entries of its showtime (1 = next); null unless waiting. */
  position: number | null;
}

interface EntryRow {
  id: string;
  showtime_id: number;
  user_id: number;
  seat_count: number;
  status: WaitlistStatus;
  offer_checkout_id: string | null;
  created_at: Date;
  position: number | null;
}

const toEntry = (r: EntryRow): WaitlistEntry => ({
  id: r.id,
  showtimeId: r.showtime_id,
  userId: r.user_id,
  count: r.seat_count,
  status: r.status,
  offerCheckoutId: r.offer_checkout_id,
  createdAt: r.created_at,
  position: r.position === null ? null : Number(r.position),
});

const SELECT_ENTRY = `SELECT w.id, w.showtime_id, w.user_id, w.seat_count, w.status, w.offer_checkout_id, w.created_at,
        IF(w.status = 'waiting',
           (SELECT COUNT(*) FROM waitlist_entries a WHERE a.showtime_id = w.showtime_id AND a.status = 'waiting' AND a.seq <= w.seq),
           NULL) AS position
   FROM waitlist_entries w`;

/** Puts the buyer in line; null when they already are (waiting or holding an offer) for this showtime. */
export async function join(sql: Sql, e: { id: string; showtimeId: number; userId: number; count: number }, now: Date): Promise<WaitlistEntry | null> {
  try {
    await sql.query(
      `INSERT INTO waitlist_entries (id, showtime_id, user_id, seat_count, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'waiting', ?, ?)`,
      [e.id, e.showtimeId, e.userId, e.count, now, now],
    );
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
  return get(sql, e.id);
}

export async function get(sql: Sql, id: string): Promise<WaitlistEntry | null> {
  const [row]: EntryRow[] = await sql.query(`${SELECT_ENTRY} WHERE w.id = ?`, [id]);
  return row ? toEntry(row) : null;
}

/** The buyer's entry in this showtime's line (waiting or offered), if any. */
export async function activeOf(sql: Sql, showtimeId: number, userId: number): Promise<WaitlistEntry | null> {
  const [row]: EntryRow[] = await sql.query(`${SELECT_ENTRY} WHERE w.active_for = ?`, [`${showtimeId}:${userId}`]);
  return row ? toEntry(row) : null;
}

/** A buyer's entries, newest first. */
export async function ofUser(sql: Sql, userId: number, limit: number, offset: number): Promise<{ items: WaitlistEntry[]; total: number }> {
  const rows: EntryRow[] = await sql.query(`${SELECT_ENTRY} WHERE w.user_id = ? ORDER BY w.seq DESC LIMIT ? OFFSET ?`, [userId, limit, offset]);
  const [count]: { n: number }[] = await sql.query('SELECT COUNT(*) AS n FROM waitlist_entries WHERE user_id = ?', [userId]);
  return { items: rows.map(toEntry), total: num(count?.n) };
}

/** A showtime's line, in order, with who is in it (for admins). */
export async function ofShowtime(
  sql: Sql,
  showtimeId: number,
  statuses: readonly WaitlistStatus[],
  limit: number,
  offset: number,
): Promise<{ items: (WaitlistEntry & { email: string; name: string })[]; total: number }> {
  const filter = statuses.length ? ` AND w.status IN (${placeholders(statuses.length)})` : '';
  const rows: (EntryRow & { email: string; name: string })[] = await sql.query(
    `SELECT q.*, u.email, u.name FROM (${SELECT_ENTRY} WHERE w.showtime_id = ?${filter} ORDER BY w.seq LIMIT ? OFFSET ?) q JOIN users u ON u.id = q.user_id ORDER BY q.created_at, q.id`,
    [showtimeId, ...statuses, limit, offset],
  );
  const [count]: { n: number }[] = await sql.query(`SELECT COUNT(*) AS n FROM waitlist_entries w WHERE w.showtime_id = ?${filter}`, [showtimeId, ...statuses]);
  return { items: rows.map((r) => ({ ...toEntry(r), email: r.email, name: r.name })), total: num(count?.n) };
}

/** The waiting entries of a showtime, first in line first. */
export async function waiting(sql: Sql, showtimeId: number): Promise<{ id: string; userId: number; count: number }[]> {
  const rows: { id: string; user_id: number; seat_count: number }[] = await sql.query(
    "SELECT id, user_id, seat_count FROM waitlist_entries WHERE showtime_id = ? AND status = 'waiting' ORDER BY seq",
    [showtimeId],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id, count: r.seat_count }));
}

/**
 * Offers whose checkout has not yet run its hold (its booking is still
 * HOLDING): the workflow must (re)start them. That includes an offer whose
 * buyer left the line in that window (`left`): the cancel that leaving sends
 * found no checkout to stop, so the workflow starts it and cancels it, and
 * the checkout releases the seats.
 */
export async function unstartedOffers(sql: Sql, showtimeId: number): Promise<{ entryId: string; userId: number; checkoutId: string; left: boolean }[]> {
  const rows: { id: string; user_id: number; offer_checkout_id: string; status: string }[] = await sql.query(
    `SELECT w.id, w.user_id, w.offer_checkout_id, w.status FROM waitlist_entries w JOIN bookings b ON b.id = w.offer_checkout_id
      WHERE w.showtime_id = ? AND w.status IN ('offered', 'left') AND b.status = 'HOLDING' ORDER BY w.seq`,
    [showtimeId],
  );
  return rows.map((r) => ({ entryId: r.id, userId: r.user_id, checkoutId: r.offer_checkout_id, left: r.status === 'left' }));
}

/** Whether seats released now should go to the line first: someone is waiting and the showtime still sells. */
export async function isOpen(sql: Sql, showtimeId: number, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 AS ok FROM waitlist_entries w JOIN showtimes s ON s.id = w.showtime_id
      WHERE w.showtime_id = ? AND w.status = 'waiting' AND s.status = 'scheduled' AND s.starts_at > ? LIMIT 1`,
    [showtimeId, now],
  );
  return rows.length > 0;
}

async function transition(sql: Sql, where: { id: string } | { offerCheckoutId: string }, to: WaitlistStatus, now: Date, set: { offerCheckoutId?: string } = {}): Promise<boolean> {
  const from = sourcesOf('waitlist', to);
  const [column, key] = 'id' in where ? ['id', where.id] : ['offer_checkout_id', where.offerCheckoutId];
  const res: { affectedRows: number } = await sql.query(
    `UPDATE waitlist_entries SET status = ?, updated_at = ?${set.offerCheckoutId ? ', offer_checkout_id = ?' : ''}
      WHERE ${column} = ? AND status IN (${placeholders(from.length)})`,
    [to, now, ...(set.offerCheckoutId ? [set.offerCheckoutId] : []), key, ...from],
  );
  if (res.affectedRows > 0) return true;
  const [current]: { id: string; status: WaitlistStatus }[] = await sql.query(`SELECT id, status FROM waitlist_entries WHERE ${column} = ?`, [key]);
  if (current && current.status !== to && 'id' in where) assertTransition('waitlist', current.status, to, current.id);
  return false;
}

/** waiting → offered, with the checkout that holds the seats. False when the entry is no longer waiting. */
export const markOffered = (sql: Sql, id: string, checkoutId: string, now: Date): Promise<boolean> =>
  transition(sql, { id }, 'offered', now, { offerCheckoutId: checkoutId });

/** How an offer ended, written with its checkout's confirm or release: booked, or lapsed (nothing for an ordinary checkout). */
export const settleOffer = (sql: Sql, checkoutId: string, to: 'booked' | 'lapsed', now: Date): Promise<boolean> =>
  transition(sql, { offerCheckoutId: checkoutId }, to, now);

/** The buyer leaves the line (waiting or offered). False when the entry had already ended. */
export const leave = (sql: Sql, id: string, now: Date): Promise<boolean> => transition(sql, { id }, 'left', now);

/**
 * Everyone still waiting when the showtime starts or is cancelled: closed,
 * and each buyer's closing email queued in the same commit (the outbox), so
 * no one is closed without being told. Returns who was closed now.
 */
export function closeWaiting(ds: DataSource, showtimeId: number, now: Date): Promise<{ id: string; userId: number }[]> {
  return inTransaction(ds, async (tx) => {
    const rows: { id: string; user_id: number }[] = await tx.query(
      "SELECT id, user_id FROM waitlist_entries WHERE showtime_id = ? AND status = 'waiting' ORDER BY seq FOR UPDATE",
      [showtimeId],
    );
    if (rows.length === 0) return [];
    await tx.query(`UPDATE waitlist_entries SET status = 'closed', updated_at = ? WHERE id IN (${placeholders(rows.length)}) AND status = 'waiting'`, [
      now,
      ...rows.map((r) => r.id),
    ]);
    for (const r of rows) {
      await notifications.queueOnce(tx, { userId: r.user_id, subjectId: r.id, kind: 'waitlist_closed', channel: 'email', body: 'waitlist closed' }, now);
    }
    return rows.map((r) => ({ id: r.id, userId: r.user_id }));
  });
}

/** The closed entries of a showtime: the closing step tells each buyer (once: the outbox). */
export async function closedOf(sql: Sql, showtimeId: number): Promise<string[]> {
  const rows: { id: string }[] = await sql.query("SELECT id FROM waitlist_entries WHERE showtime_id = ? AND status = 'closed' ORDER BY seq", [showtimeId]);
  return rows.map((r) => r.id);
}

/** What the closing email says to an entry's buyer. */
export interface WaitlistNotice {
  entryId: string;
  count: number;
  user: { id: number; email: string; name: string };
  showtime: { id: number; startsAt: Date; status: string; movieTitle: string; hallName: string };
}

export async function noticeOf(sql: Sql, entryId: string): Promise<WaitlistNotice | null> {
  const [r]: {
    seat_count: number;
    user_id: number;
    email: string;
    name: string;
    showtime_id: number;
    starts_at: Date;
    status: string;
    title: string;
    hall_name: string;
  }[] = await sql.query(
    `SELECT w.seat_count, u.id AS user_id, u.email, u.name, st.id AS showtime_id, st.starts_at, st.status, m.title, h.name AS hall_name
       FROM waitlist_entries w JOIN users u ON u.id = w.user_id JOIN showtimes st ON st.id = w.showtime_id
       JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
      WHERE w.id = ?`,
    [entryId],
  );
  if (!r) return null;
  return {
    entryId,
    count: r.seat_count,
    user: { id: r.user_id, email: r.email, name: r.name },
    showtime: { id: r.showtime_id, startsAt: r.starts_at, status: r.status, movieTitle: r.title, hallName: r.hall_name },
  };
}
