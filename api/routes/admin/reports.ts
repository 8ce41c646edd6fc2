import { validationFailed } from '../../../core/errors.js';
import { occupancy, popular, revenue, type Range } from '../../../db/reports.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { addDays, dayString, startOfUtcDay, utcDayRange } from '../../schemas/params.js';
import { MAX_REPORT_DAYS, OccupancyQuery, OccupancyReport, PopularQuery, PopularReport, ReportRangeQuery, RevenueReport } from '../../schemas/reports.js';
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

export const adminReportRoutes = [
  route({
    method: 'get',
    path: '/admin/reports/occupancy',
    summary: 'Seats booked / held / available per scheduled showtime',
    tags,
    auth: 'admin',
    query: OccupancyQuery,
    responses: { 200: { description: `${rangeNote}, soonest first, with totals`, schema: OccupancyReport } },
    handler: async ({ query }, deps) => {
      const r = reportRange(query, deps);
      const result = await occupancy(deps.ds, r, deps.clock.now(), query);
      return { body: { from: r.days[0], to: r.days[1], ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/revenue',
    summary: 'Revenue of CONFIRMED bookings by movie and by day; REFUNDED ones apart',
    tags,
    auth: 'admin',
    query: ReportRangeQuery,
    responses: { 200: { description: `${rangeNote}; dated by the showtime's day, per currency`, schema: RevenueReport } },
    handler: async ({ query }, deps) => {
      const r = reportRange(query, deps);
      return { body: { from: r.days[0], to: r.days[1], ...(await revenue(deps.ds, r)) } };
    },
  }),

  route({
    method: 'get',
    path: '/admin/reports/popular',
    summary: 'Movies by seats of CONFIRMED bookings',
    tags,
    auth: 'admin',
    query: PopularQuery,
    responses: { 200: { description: `${rangeNote}, most seats first`, schema: PopularReport } },
    handler: async ({ query }, deps) => {
      const r = reportRange(query, deps);
      return { body: { from: r.days[0], to: r.days[1], items: await popular(deps.ds, r, query.limit) } };
    },
  }),
];
