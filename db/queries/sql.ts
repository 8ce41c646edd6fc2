/** Anything that runs SQL: a DataSource, an EntityManager inside a transaction, a QueryRunner. */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: any[]): Promise<any>;
}

/** Escapes LIKE wildcards for `LIKE ? ESCAPE '!'` and wraps the text in `%…%`. */
export const likeContains = (text: string): string => `%${text.replace(/[!%_]/g, '!$&')}%`;

/** mysql2 returns SUM()/DECIMAL as strings and COUNT() as numbers; this reads either. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
