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

/** A user with the password hash, for signing in. */
export async function findWithCredentials(sql: Sql, email: string): Promise<(UserView & { passwordHash: string }) | null> {
  const [row]: (UserView & { passwordHash: string })[] = await sql.query(`SELECT ${COLUMNS}, password_hash AS passwordHash FROM users WHERE email = ?`, [email]);
  return row ?? null;
}

export async function setRole(sql: Sql, id: number, role: Role): Promise<void> {
  await sql.query('UPDATE users SET role = ? WHERE id = ?', [role, id]);
}
