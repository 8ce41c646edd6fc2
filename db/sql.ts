import { QueryFailedError, type DataSource } from 'typeorm';
import { conflict } from '../core/errors.js';

/**
 * Anything that runs SQL: the DataSource (the pool), or the EntityManager of
 * a transaction. Every db module takes one as its first argument, so the same
 * operation runs alone or inside a caller's transaction.
 */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: any[]): Promise<any>;
}

/** `?,?,?` for an IN list of n values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(',');

/** Escapes LIKE wildcards for `LIKE ? ESCAPE '!'` and wraps the text in `%…%`. */
export const likeContains = (text: string): string => `%${text.replace(/[!%_]/g, '!$&')}%`;

/** mysql2 returns SUM()/DECIMAL as strings and COUNT() as numbers; this reads either. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A condition and its parameter, or false when the filter is not set. */
export type Condition = readonly [sql: string, param: unknown] | false;

/** `WHERE a AND b …` (or '' when nothing applies) and its parameters, from the conditions that are set. */
export function whereAll(conditions: readonly Condition[]): [string, unknown[]] {
  const set = conditions.filter((c): c is readonly [string, unknown] => c !== false);
  return [set.length ? `WHERE ${set.map(([sql]) => sql).join(' AND ')}` : '', set.map(([, param]) => param)];
}

/** The MySQL error code (ER_DUP_ENTRY, ER_LOCK_DEADLOCK, …) of a failed statement, if it is one. */
export const driverCode = (e: unknown): string | undefined =>
  e instanceof QueryFailedError ? (e.driverError as { code?: string }).code : undefined;

export const isDuplicateKey = (e: unknown): boolean => driverCode(e) === 'ER_DUP_ENTRY';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);

/** The database could not be reached or went away mid-statement (a restart, a failover): an outage, not a bug. */
export const isDatabaseUnreachable = (e: unknown): boolean => {
  const code = driverCode(e) ?? (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
};

/** A statement refused because a row it needs is locked: a deadlock, a lock wait timeout, or NOWAIT. */
export const isLockContention = (e: unknown): boolean => {
  const code = driverCode(e);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'ER_LOCK_NOWAIT';
};

/**
 * A write that competes with checkouts (admin edits): one transaction, run
 * again after a deadlock (up to 3 more times); a lock still contended after
 * that answers 409 so the caller can retry later.
 */
export async function inTransaction<T>(ds: DataSource, fn: (tx: Sql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction((m) => fn(m));
    } catch (e) {
      if (driverCode(e) === 'ER_LOCK_DEADLOCK' && attempt < 4) continue;
      if (isLockContention(e)) throw conflict('The data is being changed by another request; try again');
      throw e;
    }
  }
}

/** Readiness: the pool can reach the server. */
export async function ping(sql: Sql): Promise<void> {
  await sql.query('SELECT 1');
}
