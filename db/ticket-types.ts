import type { SeatType } from '../core/domain.js';
import {
  effectiveTicketTypes,
  TicketTypeCodes,
  type EffectiveTicketType,
  type PriceRule,
  type PriceRuleKind,
  type SeatTypeRules,
  type TicketTypeCode,
  type TicketTypeOverride,
  type TicketTypeSetting,
} from '../core/pricing.js';
import type { Sql } from './sql.js';

/**
 * Ticket types (docs/pricing.md): the default set (which types are on sale,
 * and each one's price rule per seat type) and a showtime's overrides of it.
 * Adult is the base and has no rules.
 */

interface RuleRow {
  ticket_type: TicketTypeCode;
  seat_type: SeatType;
  kind: PriceRuleKind;
  value: number;
}

const rulesOf = (rows: readonly RuleRow[], code: TicketTypeCode): SeatTypeRules =>
  Object.fromEntries(rows.filter((r) => r.ticket_type === code).map((r) => [r.seat_type, { kind: r.kind, value: Number(r.value) } satisfies PriceRule]));

/** The default set, in list order. */
export async function defaults(sql: Sql): Promise<TicketTypeSetting[]> {
  const types: { code: TicketTypeCode; on_sale: number }[] = await sql.query('SELECT code, on_sale FROM ticket_types ORDER BY sort, code');
  const rules: RuleRow[] = await sql.query('SELECT ticket_type, seat_type, kind, value FROM ticket_type_rules');
  return types.map((t) => ({ code: t.code, onSale: Boolean(t.on_sale), rules: rulesOf(rules, t.code) }));
}

/** A showtime's own settings, per type that has any. */
export async function overridesOf(sql: Sql, showtimeId: number): Promise<TicketTypeOverride[]> {
  const onSale: { ticket_type: TicketTypeCode; on_sale: number }[] = await sql.query('SELECT ticket_type, on_sale FROM showtime_ticket_types WHERE showtime_id = ?', [showtimeId]);
  const rules: RuleRow[] = await sql.query('SELECT ticket_type, seat_type, kind, value FROM showtime_ticket_rules WHERE showtime_id = ?', [showtimeId]);
  return TicketTypeCodes.flatMap((code) => {
    const flag = onSale.find((r) => r.ticket_type === code);
    const own = rulesOf(rules, code);
    if (!flag && Object.keys(own).length === 0) return [];
    return [{ code, ...(flag ? { onSale: Boolean(flag.on_sale) } : {}), rules: own }];
  });
}

/** The ticket types in effect for a showtime: the defaults with its overrides. */
export async function effectiveFor(sql: Sql, showtimeId: number): Promise<EffectiveTicketType[]> {
  return effectiveTicketTypes(await defaults(sql), await overridesOf(sql, showtimeId));
}

/** Changes a type of the default set: whether it is on sale and the rules of the seat types named. */
export async function updateDefault(sql: Sql, code: TicketTypeCode, change: { onSale?: boolean | undefined; rules?: SeatTypeRules | undefined }): Promise<void> {
  if (change.onSale !== undefined) await sql.query('UPDATE ticket_types SET on_sale = ? WHERE code = ?', [change.onSale ? 1 : 0, code]);
  const rules = Object.entries(change.rules ?? {}) as [SeatType, PriceRule][];
  if (rules.length === 0) return;
  await sql.query('DELETE FROM ticket_type_rules WHERE ticket_type = ? AND seat_type IN (?)', [code, rules.map(([seat]) => seat)]);
  await sql.query('INSERT INTO ticket_type_rules (ticket_type, seat_type, kind, value) VALUES ?', [rules.map(([seat, r]) => [code, seat, r.kind, r.value])]);
}

/** Replaces every override of a showtime with `overrides` (none: the showtime follows the defaults). */
export async function replaceOverrides(sql: Sql, showtimeId: number, overrides: readonly TicketTypeOverride[]): Promise<void> {
  await sql.query('DELETE FROM showtime_ticket_types WHERE showtime_id = ?', [showtimeId]);
  await sql.query('DELETE FROM showtime_ticket_rules WHERE showtime_id = ?', [showtimeId]);
  const flags = overrides.flatMap((o) => (o.onSale === undefined ? [] : [[showtimeId, o.code, o.onSale ? 1 : 0]]));
  if (flags.length) await sql.query('INSERT INTO showtime_ticket_types (showtime_id, ticket_type, on_sale) VALUES ?', [flags]);
  const rules = overrides.flatMap((o) => (Object.entries(o.rules) as [SeatType, PriceRule][]).map(([seat, r]) => [showtimeId, o.code, seat, r.kind, r.value]));
  if (rules.length) await sql.query('INSERT INTO showtime_ticket_rules (showtime_id, ticket_type, seat_type, kind, value) VALUES ?', [rules]);
}
