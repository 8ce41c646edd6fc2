import type { PromoCodeState, PromoKind } from '../core/pricing.js';
import { num, placeholders, whereAll, type Sql } from './sql.js';

/**
 * Promo codes and their redemptions (docs/pricing.md). A code's
 * `redemptions` column counts its redemptions in use; it changes only under
 * the code's row lock, together with the redemption row, so the count and
 * the rows agree. A redemption is `active` from the hold until it is given
 * back (`returned`) when the checkout ends unsold or the booking is refunded.
 */

export interface PromoCode extends PromoCodeState {
  createdAt: Date;
  updatedAt: Date;
}

/** What an admin sets; `code` is stored normalised (upper case). */
export type PromoCodeFields = Omit<PromoCodeState, 'id' | 'redemptions'>;

interface Row {
  id: number;
  code: string;
  kind: PromoKind;
  value: number;
  max_redemptions: number | null;
  per_user_limit: number | null;
  valid_from: Date | null;
  valid_until: Date | null;
  redemptions: number;
  active: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, code, kind, value, max_redemptions, per_user_limit, valid_from, valid_until, redemptions, active, created_at, updated_at';

/** The movies and showtimes each code is limited to. */
async function scopesOf(sql: Sql, ids: readonly number[]): Promise<Map<number, { movieIds: number[]; showtimeIds: number[] }>> {
  const out = new Map(ids.map((id) => [id, { movieIds: [] as number[], showtimeIds: [] as number[] }]));
  if (ids.length === 0) return out;
  const movies: { promo_code_id: number; movie_id: number }[] = await sql.query(
    `SELECT promo_code_id, movie_id FROM promo_code_movies WHERE promo_code_id IN (${placeholders(ids.length)}) ORDER BY movie_id`,
    [...ids],
  );
  const showtimes: { promo_code_id: number; showtime_id: number }[] = await sql.query(
    `SELECT promo_code_id, showtime_id FROM promo_code_showtimes WHERE promo_code_id IN (${placeholders(ids.length)}) ORDER BY showtime_id`,
    [...ids],
  );
  for (const m of movies) out.get(m.promo_code_id)?.movieIds.push(m.movie_id);
  for (const s of showtimes) out.get(s.promo_code_id)?.showtimeIds.push(s.showtime_id);
  return out;
}

async function withScopes(sql: Sql, rows: readonly Row[]): Promise<PromoCode[]> {
  const scopes = await scopesOf(sql, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    kind: r.kind,
    value: num(r.value),
    maxRedemptions: r.max_redemptions === null ? null : num(r.max_redemptions),
    perUserLimit: r.per_user_limit === null ? null : num(r.per_user_limit),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    redemptions: num(r.redemptions),
    active: Boolean(r.active),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...scopes.get(r.id)!,
  }));
}

/** A code by its text (normalised), read without a lock: what the API checks before a hold. */
export async function findByCode(sql: Sql, code: string): Promise<PromoCode | null> {
  const rows: Row[] = await sql.query(`SELECT ${COLUMNS} FROM promo_codes WHERE code = ?`, [code]);
  return (await withScopes(sql, rows))[0] ?? null;
}

/**
 * A code by its text, its row locked for the hold's transaction. The locking
 * read sees the latest `redemptions` whatever the transaction's snapshot;
 * every redemption of this code taken or given back waits for this lock.
 */
export async function lockByCode(sql: Sql, code: string): Promise<PromoCode | null> {
  const rows: Row[] = await sql.query(`SELECT ${COLUMNS} FROM promo_codes WHERE code = ? FOR UPDATE`, [code]);
  return (await withScopes(sql, rows))[0] ?? null;
}

export async function get(sql: Sql, id: number): Promise<PromoCode | null> {
  const rows: Row[] = await sql.query(`SELECT ${COLUMNS} FROM promo_codes WHERE id = ?`, [id]);
  return (await withScopes(sql, rows))[0] ?? null;
}

/** A page of codes, newest first. */
export async function list(sql: Sql, f: { active?: boolean | undefined; limit: number; offset: number }): Promise<{ items: PromoCode[]; total: number }> {
  const [where, params] = whereAll([f.active !== undefined && ['active = ?', f.active ? 1 : 0]]);
  const [rows, [count]]: [Row[], { n: number }[]] = await Promise.all([
    sql.query(`SELECT ${COLUMNS} FROM promo_codes ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]),
    sql.query(`SELECT COUNT(*) AS n FROM promo_codes ${where}`, params),
  ]);
  return { items: await withScopes(sql, rows), total: num(count?.n) };
}

async function setScopes(sql: Sql, id: number, movieIds: readonly number[], showtimeIds: readonly number[]): Promise<void> {
  await sql.query('DELETE FROM promo_code_movies WHERE promo_code_id = ?', [id]);
  await sql.query('DELETE FROM promo_code_showtimes WHERE promo_code_id = ?', [id]);
  if (movieIds.length) await sql.query('INSERT INTO promo_code_movies (promo_code_id, movie_id) VALUES ?', [movieIds.map((m) => [id, m])]);
  if (showtimeIds.length) await sql.query('INSERT INTO promo_code_showtimes (promo_code_id, showtime_id) VALUES ?', [showtimeIds.map((s) => [id, s])]);
}

const fieldValues = (f: PromoCodeFields): unknown[] => [f.code, f.kind, f.value, f.maxRedemptions, f.perUserLimit, f.validFrom, f.validUntil, f.active ? 1 : 0];

/** A new code; a code whose text exists already fails with a duplicate key. */
export async function create(sql: Sql, f: PromoCodeFields, now: Date): Promise<number> {
  const res: { insertId: number } = await sql.query(
    `INSERT INTO promo_codes (code, kind, value, max_redemptions, per_user_limit, valid_from, valid_until, active, redemptions, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    [...fieldValues(f), now, now],
  );
  await setScopes(sql, res.insertId, f.movieIds, f.showtimeIds);
  return res.insertId;
}

/** The code's row, locked for an admin change: holds of this code wait for the change, and it for them. */
export async function lockById(sql: Sql, id: number): Promise<PromoCode | null> {
  const rows: Row[] = await sql.query(`SELECT ${COLUMNS} FROM promo_codes WHERE id = ? FOR UPDATE`, [id]);
  return (await withScopes(sql, rows))[0] ?? null;
}

/** Writes every field of a locked code; the redemptions in use are left as they are. */
export async function update(sql: Sql, id: number, f: PromoCodeFields, now: Date): Promise<void> {
  await sql.query(
    `UPDATE promo_codes SET code = ?, kind = ?, value = ?, max_redemptions = ?, per_user_limit = ?, valid_from = ?, valid_until = ?, active = ?, updated_at = ?
     WHERE id = ?`,
    [...fieldValues(f), now, id],
  );
  await setScopes(sql, id, f.movieIds, f.showtimeIds);
}

/** Whether any booking ever redeemed the code (its redemption rows are the record of which bookings had it). */
export async function everRedeemed(sql: Sql, id: number): Promise<boolean> {
  return (await sql.query('SELECT 1 AS ok FROM promo_redemptions WHERE promo_code_id = ? LIMIT 1 LOCK IN SHARE MODE', [id])).length > 0;
}

export async function remove(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM promo_codes WHERE id = ?', [id]);
}

/** Redemptions of the code in use by this user; a locking read, for a hold that holds the code's row lock. */
export async function userRedemptions(sql: Sql, promoId: number, userId: number, opts: { lock: boolean }): Promise<number> {
  const [row]: { n: number }[] = await sql.query(
    `SELECT COUNT(*) AS n FROM promo_redemptions WHERE promo_code_id = ? AND user_id = ? AND status = 'active'${opts.lock ? ' LOCK IN SHARE MODE' : ''}`,
    [promoId, userId],
  );
  return num(row?.n);
}

/** Counts one more redemption of the locked code. */
export async function countRedemption(sql: Sql, promoId: number): Promise<void> {
  await sql.query('UPDATE promo_codes SET redemptions = redemptions + 1 WHERE id = ?', [promoId]);
}

/** The booking's redemption of the locked code, once the booking row exists. */
export async function insertRedemption(sql: Sql, r: { promoId: number; bookingId: string; userId: number }, now: Date): Promise<void> {
  await sql.query("INSERT INTO promo_redemptions (booking_id, promo_code_id, user_id, status, created_at) VALUES (?, ?, ?, 'active', ?)", [
    r.bookingId,
    r.promoId,
    r.userId,
    now,
  ]);
}

/**
 * Gives back the booking's redemption, if it has one in use: the code's row
 * is locked first (the order a hold takes them in), then the redemption is
 * marked returned and the count goes down. Safe to repeat.
 */
export async function returnRedemption(sql: Sql, bookingId: string, now: Date): Promise<boolean> {
  const [r]: { promo_code_id: number; status: string }[] = await sql.query('SELECT promo_code_id, status FROM promo_redemptions WHERE booking_id = ?', [bookingId]);
  if (!r || r.status !== 'active') return false;
  await sql.query('SELECT id FROM promo_codes WHERE id = ? FOR UPDATE', [r.promo_code_id]);
  const res = await sql.query("UPDATE promo_redemptions SET status = 'returned', returned_at = ? WHERE booking_id = ? AND status = 'active'", [now, bookingId]);
  if (res.affectedRows === 0) return false;
  await sql.query('UPDATE promo_codes SET redemptions = redemptions - 1 WHERE id = ? AND redemptions > 0', [r.promo_code_id]);
  return true;
}

/** A booking's redemption as stored: which code and whether it is still in use. */
export async function redemptionOf(sql: Sql, bookingId: string): Promise<{ promoCodeId: number; status: 'active' | 'returned' } | null> {
  const [r]: { promo_code_id: number; status: 'active' | 'returned' }[] = await sql.query('SELECT promo_code_id, status FROM promo_redemptions WHERE booking_id = ?', [
    bookingId,
  ]);
  return r ? { promoCodeId: r.promo_code_id, status: r.status } : null;
}

/** The movie and showtime ids of a scope that name no movie or showtime (read with a shared lock, so they stay while the code is written). */
export async function unknownScope(sql: Sql, movieIds: readonly number[], showtimeIds: readonly number[]): Promise<{ movieIds: number[]; showtimeIds: number[] }> {
  const missing = async (table: 'movies' | 'showtimes', ids: readonly number[]): Promise<number[]> => {
    if (ids.length === 0) return [];
    const found: { id: number }[] = await sql.query(`SELECT id FROM ${table} WHERE id IN (?) LOCK IN SHARE MODE`, [ids]);
    const known = new Set(found.map((r) => Number(r.id)));
    return ids.filter((id) => !known.has(id));
  };
  return { movieIds: await missing('movies', movieIds), showtimeIds: await missing('showtimes', showtimeIds) };
}
