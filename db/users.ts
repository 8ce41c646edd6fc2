import type { Role } from '../core/domain.js';
import { likeContains, num, type Sql } from './sql.js';

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

const COLUMNS = 'id, email, name, role, created_at AS createdAt';

export async function listUsers(
  sql: Sql,
  f: { q?: string; role?: Role; limit: number; offset: number },
): Promise<{ items: UserView[]; total: number }> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (f.q) {
    clauses.push("(email LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!')");
    params.push(likeContains(f.q), likeContains(f.q));
  }
  if (f.role) {
    clauses.push('role = ?');
    params.push(f.role);
  }
  const w = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const [items, [count]]: [UserView[], { n: number }[]] = await Promise.all([
    sql.query(`SELECT ${COLUMNS} FROM users ${w} ORDER BY id LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]),
    sql.query(`SELECT COUNT(*) AS n FROM users ${w}`, params),
  ]);
  return { items, total: num(count?.n) };
}

export async function getUser(sql: Sql, id: number): Promise<UserView | null> {
  const [row]: UserView[] = await sql.query(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
  return row ?? null;
}

export const emailTaken = async (sql: Sql, email: string): Promise<boolean> =>
  (await sql.query('SELECT 1 AS ok FROM users WHERE email = ?', [email])).length > 0;

/** Inserts a user; a duplicate email fails with ER_DUP_ENTRY (isDuplicateKey). */
export async function insertUser(sql: Sql, u: { email: string; name: string; passwordHash: string; role: Role }, now: Date): Promise<UserView> {
  const res: { insertId: number } = await sql.query('INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)', [
    u.email,
    u.name,
    u.passwordHash,
    u.role,
    now,
  ]);
  return { id: res.insertId, email: u.email, name: u.name, role: u.role, createdAt: now };
}

/** A user with the password hash and the current token version, for signing in. */
export async function findWithCredentials(sql: Sql, email: string): Promise<(UserView & { passwordHash: string; tokenVersion: number }) | null> {
  const [row]: (UserView & { passwordHash: string; tokenVersion: number })[] = await sql.query(
    `SELECT ${COLUMNS}, password_hash AS passwordHash, token_version AS tokenVersion FROM users WHERE email = ?`,
    [email],
  );
  return row ? { ...row, tokenVersion: num(row.tokenVersion) } : null;
}

/**
 * Gives the user `role`. A change also bumps the token version, so every
 * token issued before it stops working at once (the user signs in again and
 * gets the new role); setting the role a user already has changes nothing.
 * Returns whether the role changed.
 */
export async function setRole(sql: Sql, id: number, role: Role): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query('UPDATE users SET role = ?, token_version = token_version + 1 WHERE id = ? AND role <> ?', [role, id, role]);
  return res.affectedRows > 0;
}

/** What every authenticated request is checked against: the tokens' current version and the role. */
export interface TokenState {
  role: Role;
  tokenVersion: number;
}

export async function tokenStateOf(sql: Sql, id: number): Promise<TokenState | null> {
  const [row]: { role: Role; token_version: number }[] = await sql.query('SELECT role, token_version FROM users WHERE id = ?', [id]);
  return row ? { role: row.role, tokenVersion: num(row.token_version) } : null;
}

/** Ends every session of the user (sign out everywhere); returns the new version, or null for an unknown user. */
export async function revokeTokens(sql: Sql, id: number): Promise<number | null> {
  const res: { affectedRows: number } = await sql.query('UPDATE users SET token_version = token_version + 1 WHERE id = ?', [id]);
  if (res.affectedRows === 0) return null;
  return (await tokenStateOf(sql, id))?.tokenVersion ?? null;
}

/** A new password; ends every session issued before it. Returns the new token version, or null for an unknown user. */
export async function changePassword(sql: Sql, id: number, passwordHash: string): Promise<number | null> {
  const res: { affectedRows: number } = await sql.query('UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE id = ?', [passwordHash, id]);
  if (res.affectedRows === 0) return null;
  return (await tokenStateOf(sql, id))?.tokenVersion ?? null;
}

/** The stored password hash of a user, to check a current password. */
export async function passwordHashOf(sql: Sql, id: number): Promise<string | null> {
  const [row]: { password_hash: string }[] = await sql.query('SELECT password_hash FROM users WHERE id = ?', [id]);
  return row?.password_hash ?? null;
}

/**
 * Locks the user's row until the transaction ends: what serialises one
 * user's checkout holds (db/checkouts.ts takes it first, see there).
 */
export async function lockForCheckout(sql: Sql, id: number): Promise<boolean> {
  const rows: unknown[] = await sql.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [id]);
  return rows.length > 0;
}
