import type { Context } from 'koa';
import type { z } from 'zod';
import { validationFailed } from '../../../core/errors.js';
import { occupancy, occupancyByDay, popular, revenue, salesBy, type Range } from '../../../db/reports.js';
import { csvReply, wantsCsv } from '../../csv.js';
import type { AppDeps } from '../../deps.js';
import { route, type Reply } from '../../route.js';
import { addDays, dayString, startOfUtcDay, utcDayRange } from '../../schemas/params.js';
import {
  MAX_REPORT_DAYS,
  OccupancyByDayReport,
  OccupancyDayRow,
  OccupancyQuery,
  OccupancyReport,
  OccupancyRow,
  PopularQuery,
  PopularReport,
  PopularRow,
  ReportRangeQuery,
  RevenueDayRow,
  RevenueMovieRow,
  RevenueQuery,
  RevenueReport,
  RevenueTotalRow,
  SalesQuery,
  SalesReport,
  SalesRow,
} from '../../schemas/reports.js';
import { tags } from './support.js';

const DEFAULT_DAYS = 30;

/**
 * Whole UTC days, `to` inclusive. Defaults: to = today, from = 29 days
 * earlier (or 29 days before the given `to`). 400 when from > to or the
 * range is longer than MAX_REPORT_DAYS days.
 */
export function reportRange(q: { from?: string; to?: string }, deps: Pick<AppDeps, 'clock'>): Range & { days: [string, string] } {
  const to = q.to ? utcDayRange(q.to)[0] : startOfUtcDay(deps.clock.now());
  const from = q.from ? utcDayRange(q.from)[0] : addDays(to, -(DEFAULT_DAYS - 1));
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  if (days < 1) throw validationFailed('from must not be after to', { in: 'query', from: dayString(from), to: dayString(to) });
  if (days > MAX_REPORT_DAYS) {
    throw validationFailed(`A report covers at most ${MAX_REPORT_DAYS} days`, { in: 'query', days, max: MAX_REPORT_DAYS });
  }
  return { from, to: addDays(to, 1), days: [dayString(from), dayString(to)] };
}

const rangeNote = 'Showtimes starting in [from, to] (whole UTC days)';
const csvNote = '; as CSV with ?format=csv or Accept: text/csv';

/** The JSON answer, or its rows as CSV when the client asked for that. */
function answer(ctx: Context, format: 'json' | 'csv' | undefined, csv: { name: string; schema: z.ZodObject; rows: readonly unknown[] }, json: unknown): Reply {
  return wantsCsv(ctx, format) ? csvReply(csv.name, csv.schema, csv.rows) : { body: json };
}

const REVENUE_ROWS = { byDay: RevenueDayRow, byMovie: RevenueMovieRow, totals: RevenueTotalRow } as const;

export const adminReportRoutes = [
  route({
    method: 'get',
    path: '/admin/reports/occupancy',
    summary: 'Seats booked / held / available per scheduled showtime',
    tags,
    auth: 'admin',
    query: OccupancyQuery,
    responses: { 200: { description: `${rangeNote}, soonest first, with totals${csvNote} (the items of the page)`, schema: OccupancyReport, csv: true } },
    handler: async ({ query, ctx }, deps) => {
      const r = reportRange(query, deps);
      const result = await occupancy(deps.ds, r, deps.clock.now(), query);
      return answer(ctx, query.format, { name: `occupancy-${r.days.join('-')}`, schema: OccupancyRow, rows: result.items }, {
        from: r.days[0],
        to: r.days[1],
        ...result,
        limit: query.limit,
        offset: query.offset,
      });
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/occupancy-by-day',
    summary: 'Seats booked / held / available per hall and day (the heat map of days × halls)',
    tags,
    auth: 'admin',
    query: ReportRangeQuery,
    responses: { 200: { description: `${rangeNote}, by day then hall${csvNote}`, schema: OccupancyByDayReport, csv: true } },
    handler: async ({ query, ctx }, deps) => {
      const r = reportRange(query, deps);
      const items = await occupancyByDay(deps.ds, r, deps.clock.now());
      return answer(ctx, query.format, { name: `occupancy-by-day-${r.days.join('-')}`, schema: OccupancyDayRow, rows: items }, { from: r.days[0], to: r.days[1], items });
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/revenue',
    summary: 'Revenue of CONFIRMED bookings by movie and by day; REFUNDED ones apart',
    tags,
    auth: 'admin',
    query: RevenueQuery,
    responses: {
      200: { description: `${rangeNote}; dated by the showtime's day, per currency${csvNote} (the table named by ?rows)`, schema: RevenueReport, csv: true },
    },
    handler: async ({ query, ctx }, deps) => {
      const r = reportRange(query, deps);
      const report = await revenue(deps.ds, r);
      return answer(ctx, query.format, { name: `revenue-${query.rows}-${r.days.join('-')}`, schema: REVENUE_ROWS[query.rows], rows: report[query.rows] }, {
        from: r.days[0],
        to: r.days[1],
        ...report,
      });
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/popular',
    summary: 'Movies by seats of CONFIRMED bookings',
    tags,
    auth: 'admin',
    query: PopularQuery,
    responses: { 200: { description: `${rangeNote}, most seats first${csvNote}`, schema: PopularReport, csv: true } },
    handler: async ({ query, ctx }, deps) => {
      const r = reportRange(query, deps);
      const items = await popular(deps.ds, r, query.limit);
      return answer(ctx, query.format, { name: `popular-${r.days.join('-')}`, schema: PopularRow, rows: items }, { from: r.days[0], to: r.days[1], items });
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/sales',
    summary: 'Seats sold and their revenue by seat type (ticket types join with the tickets feature); REFUNDED apart',
    tags,
    auth: 'admin',
    query: SalesQuery,
    responses: { 200: { description: `${rangeNote}; per value and currency, most seats first${csvNote}`, schema: SalesReport, csv: true } },
    handler: async ({ query, ctx }, deps) => {
      const r = reportRange(query, deps);
      const items = await salesBy(deps.ds, r, query.by);
      return answer(ctx, query.format, { name: `sales-by-${query.by}-${r.days.join('-')}`, schema: SalesRow, rows: items }, {
        from: r.days[0],
        to: r.days[1],
        by: query.by,
        items,
      });
    },
  }),
];
