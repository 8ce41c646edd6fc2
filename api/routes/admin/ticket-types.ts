import { changedFields } from '../../../core/audit.js';
import { SeatTypes } from '../../../core/domain.js';
import { notFound, unprocessable } from '../../../core/errors.js';
import { BASE_TICKET_TYPE, effectiveTicketTypes, TicketTypeNames, type EffectiveTicketType, type SeatTypeRules, type TicketTypeCode } from '../../../core/pricing.js';
import { revenueByTicketType } from '../../../db/reports.js';
import * as showtimes from '../../../db/showtimes.js';
import { inTransaction, type Sql } from '../../../db/sql.js';
import * as ticketTypes from '../../../db/ticket-types.js';
import { route } from '../../route.js';
import { IdParams } from '../../schemas/common.js';
import {
  RevenueByTicketTypeReport,
  ShowtimeTicketTypes,
  ShowtimeTicketTypesBody,
  TicketTypeList,
  TicketTypeParams,
  TicketTypePatchBody,
  TicketTypeSchema,
} from '../../schemas/pricing.js';
import { ReportRangeQuery } from '../../schemas/reports.js';
import { reportRange } from './reports.js';
import { audited, errorReply, tags } from './support.js';

/**
 * Ticket types (docs/pricing.md): the default set, a showtime's overrides of
 * it, and revenue by ticket type. Adult is the base price: always on sale,
 * no rules of its own.
 */

const typeView = (t: EffectiveTicketType) => ({
  code: t.code,
  name: TicketTypeNames[t.code],
  onSale: t.onSale,
  rules: Object.fromEntries(SeatTypes.map((s) => [s, t.rules[s] ?? null])),
});

const defaultSet = async (sql: Sql): Promise<EffectiveTicketType[]> => effectiveTicketTypes(await ticketTypes.defaults(sql), []);

/** The ticket types in effect for a showtime, each with what the showtime sets itself. */
async function showtimeTypes(sql: Sql, showtimeId: number) {
  const items = (await ticketTypes.effectiveFor(sql, showtimeId)).map((t) => ({ ...typeView(t), overridden: t.overridden }));
  return { showtimeId, items };
}

/** What the audit trail compares before and after a change to a ticket type: on sale or not, and its rules. */
const saleAndRules = (t: { onSale: boolean; rules: Record<string, unknown> }) => ({ onSale: t.onSale, rules: t.rules });
const byCode = (types: { code: TicketTypeCode; onSale: boolean; rules: Record<string, unknown> }[]) => Object.fromEntries(types.map((t) => [t.code, saleAndRules(t)]));

/** 422 for a change adult cannot take: it is the base, on sale at the seat's own price. */
function assertAdultUnchanged(code: TicketTypeCode, change: { onSale?: boolean | undefined; rules?: SeatTypeRules | undefined }): void {
  if (code !== BASE_TICKET_TYPE) return;
  if (change.onSale === false || (change.rules && Object.keys(change.rules).length > 0)) {
    throw unprocessable('Adult is the base price: always on sale at the seat’s price, with no rules of its own', { ticketType: code });
  }
}

export const adminTicketTypeRoutes = [
  route({
    method: 'get',
    path: '/admin/ticket-types',
    summary: 'The default ticket types: which are on sale and each one’s price rule per seat type',
    tags,
    auth: 'admin',
    responses: { 200: { description: 'Adult first; every showtime uses these unless it overrides them', schema: TicketTypeList } },
    handler: async (_input, deps) => ({ body: { items: (await defaultSet(deps.ds)).map(typeView) } }),
  }),

  route({
    method: 'patch',
    path: '/admin/ticket-types/:code',
    summary: 'Change a default ticket type: on sale or not, and its rules for the seat types named',
    tags,
    auth: 'admin',
    params: TicketTypeParams,
    body: TicketTypePatchBody,
    responses: {
      200: { description: 'The ticket type; holds from now on use it (bookings keep their prices)', schema: TicketTypeSchema },
      422: errorReply('Adult cannot be taken off sale or given rules'),
    },
    handler: async (input, deps) => {
      const { params, body } = input;
      assertAdultUnchanged(params.code, body);
      const saved = await inTransaction(deps.ds, async (tx) => {
        const current = async () => typeView((await defaultSet(tx)).find((t) => t.code === params.code)!);
        const before = await current();
        await ticketTypes.updateDefault(tx, params.code, body);
        const after = await current();
        const changes = changedFields(saleAndRules(before), saleAndRules(after));
        if (Object.keys(changes).length > 0) await audited(tx, deps, input, { action: 'ticket-type.update', resourceId: params.code, changes });
        return after;
      });
      return { body: saved };
    },
  }),

  route({
    method: 'get',
    path: '/admin/showtimes/:id/ticket-types',
    summary: 'The ticket types in effect for a showtime, and what it overrides',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The defaults with the showtime’s own settings', schema: ShowtimeTicketTypes } },
    handler: async ({ params }, deps) => {
      if (!(await showtimes.exists(deps.ds, params.id))) throw notFound('showtime', params.id);
      return { body: await showtimeTypes(deps.ds, params.id) };
    },
  }),

  route({
    method: 'put',
    path: '/admin/showtimes/:id/ticket-types',
    summary: 'Set a showtime’s own ticket types: on sale or not, and rules per seat type ([] = the defaults again)',
    tags,
    auth: 'admin',
    params: IdParams,
    body: ShowtimeTicketTypesBody,
    responses: {
      200: { description: 'The ticket types now in effect for the showtime', schema: ShowtimeTicketTypes },
      422: errorReply('Adult cannot be overridden'),
    },
    handler: async (input, deps) => {
      const { params, body } = input;
      for (const o of body.overrides) assertAdultUnchanged(o.code, o);
      const overrides = body.overrides.filter((o) => o.code !== BASE_TICKET_TYPE).map((o) => ({ code: o.code, onSale: o.onSale, rules: o.rules ?? {} }));
      const inEffect = await inTransaction(deps.ds, async (tx) => {
        if (!(await showtimes.exists(tx, params.id))) throw notFound('showtime', params.id);
        const before = await showtimeTypes(tx, params.id);
        await ticketTypes.replaceOverrides(tx, params.id, overrides);
        const after = await showtimeTypes(tx, params.id);
        const changes = changedFields(byCode(before.items), byCode(after.items));
        if (Object.keys(changes).length > 0) await audited(tx, deps, input, { action: 'showtime.ticket-types', resourceId: params.id, changes });
        return after;
      });
      return { body: inEffect };
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/revenue-by-ticket-type',
    summary: 'Revenue of CONFIRMED bookings by ticket type (after promo discounts); REFUNDED ones apart',
    tags,
    auth: 'admin',
    query: ReportRangeQuery,
    responses: { 200: { description: 'Showtimes starting in [from, to] (whole UTC days), per currency and ticket type', schema: RevenueByTicketTypeReport } },
    handler: async ({ query }, deps) => {
      const r = reportRange(query, deps);
      const rows = await revenueByTicketType(deps.ds, r);
      const currencies = [...new Set(rows.map((row) => row.currency))];
      const totals = currencies.map((currency) => {
        const of = rows.filter((row) => row.currency === currency);
        const sum = (k: 'seats' | 'gross' | 'discount' | 'revenue' | 'refundedSeats' | 'refundedAmount') => of.reduce((n, row) => n + row[k], 0);
        return { currency, seats: sum('seats'), gross: sum('gross'), discount: sum('discount'), revenue: sum('revenue'), refundedSeats: sum('refundedSeats'), refundedAmount: sum('refundedAmount') };
      });
      const items = rows.map((row) => ({ ...row, name: TicketTypeNames[row.ticketType] }));
      return { body: { from: r.days[0], to: r.days[1], items, totals } };
    },
  }),
];
