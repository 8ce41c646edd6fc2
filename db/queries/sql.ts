/** Anything that runs SQL: a DataSource, an EntityManager inside a transaction, a QueryRunner. */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: any[]): Promise<any>;
}

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
