import type { Role } from '../../core/domain.js';
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
