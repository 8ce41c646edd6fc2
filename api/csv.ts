import type { Context } from 'koa';
import { z } from 'zod';
import type { Reply } from './route.js';

/**
 * Reports as CSV (RFC 4180): a header line of column names, then one line
 * per row with the same values as the JSON items. Nested objects become
 * dotted columns (`movie.title`); instants are ISO 8601 as in JSON; null is
 * an empty field. A text that a spreadsheet would run as a formula (it starts
 * with = + - @, a tab or a carriage return) gets a leading apostrophe.
 */

/** Whether the client asked for CSV: `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(ctx: Context, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return ctx.accepts('application/json', 'text/csv') === 'text/csv';
}

/** The dotted column names of a row schema, in its field order. */
export function csvColumns(schema: z.ZodObject, prefix = ''): string[] {
  return Object.entries(schema.shape).flatMap(([key, field]) =>
    field instanceof z.ZodObject ? csvColumns(field, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

const valueAt = (row: unknown, column: string): unknown =>
  column.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), row);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let text = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly unknown[]): string {
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(valueAt(row, c))).join(','))].map((line) => `${line}\r\n`).join('');
}

/** A CSV answer that browsers save as `<name>.csv`. */
export function csvReply(name: string, schema: z.ZodObject, rows: readonly unknown[]): Reply {
  return {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.csv"` },
    body: toCsv(csvColumns(schema), rows),
  };
}
