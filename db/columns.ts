/** DATETIME(3) in UTC; the connection uses timezone 'Z'. */
export const datetime3 = { type: 'datetime', precision: 3 } as const;
