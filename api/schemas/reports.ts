import { z } from 'zod';
import { ShowtimeStatuses } from '../../core/domain.js';
import { SalesDimensions, type SalesDimension } from '../../db/reports.js';
import { Currency, Instant, Money } from './common.js';
import { DayParam, pagination } from './params.js';

export const MAX_REPORT_DAYS = 366;

const SalesBy = Object.keys(SalesDimensions) as [SalesDimension, ...SalesDimension[]];

const range = {
  from: DayParam.optional().meta({ description: 'First UTC day (default: 29 days before `to`)' }),
  to: DayParam.optional().meta({ description: `Last UTC day, inclusive (default: today); at most ${MAX_REPORT_DAYS} days after from` }),
};

/** Every report also answers as CSV: its rows, one line each, the same values as the JSON items. */
const format = {
  format: z
    .enum(['json', 'csv'])
    .optional()
    .meta({ description: 'csv: the rows as text/csv with a header line (so does `Accept: text/csv`); default json' }),
};

export const ReportRangeQuery = z.object({ ...range, ...format });
export const RevenueQuery = ReportRangeQuery.extend({
  rows: z.enum(['byDay', 'byMovie', 'totals']).default('byDay').meta({ description: 'Which table the CSV answer holds' }),
});
export const OccupancyQuery = pagination(100, 1000).extend({ ...range, ...format });
export const PopularQuery = z.object({ ...range, ...format, limit: z.coerce.number().int().min(1).max(100).default(10) });
export const SalesQuery = ReportRangeQuery.extend({
  by: z.enum(SalesBy).meta({ description: 'seat-type (regular, premium, …). Ticket types join this list with the tickets feature' }),
});

const Percent = z.number().min(0).max(100).meta({ description: 'Booked seats in percent of all seats, one decimal' });

/** Seats of one or more showtimes: booked, held (live holds), available (expired holds included), and booked in percent. */
const seatUse = {
  booked: z.number().int(),
  held: z.number().int(),
  available: z.number().int(),
  occupancyPct: Percent,
};

export const OccupancyRow = z
  .object({
    showtimeId: z.number().int(),
    day: z.string().meta({ description: 'The UTC day the showtime starts on' }),
    startsAt: Instant,
    status: z.enum(ShowtimeStatuses),
    movie: z.object({ id: z.number().int(), title: z.string() }),
    hall: z.object({ id: z.number().int(), name: z.string() }),
    total: z.number().int(),
    ...seatUse,
  })
  .meta({ id: 'OccupancyRow' });

export const OccupancyDayRow = z
  .object({
    day: z.string(),
    hall: z.object({ id: z.number().int(), name: z.string() }),
    showtimes: z.number().int(),
    seats: z.number().int(),
    ...seatUse,
  })
  .meta({ id: 'OccupancyDayRow' });

export const OccupancyByDayReport = z
  .object({ from: z.string(), to: z.string(), items: z.array(OccupancyDayRow) })
  .meta({ id: 'OccupancyByDayReport' });

export const SalesRow = z
  .object({
    key: z.string().meta({ description: 'The value of the dimension, e.g. the seat type `premium`' }),
    currency: Currency,
    seats: z.number().int().meta({ description: 'Seats of CONFIRMED bookings' }),
    revenue: Money.meta({ description: 'Sum of their prices' }),
    refundedSeats: z.number().int().meta({ description: 'Seats of REFUNDED bookings (not in revenue)' }),
    refundedAmount: Money,
  })
  .meta({ id: 'SalesRow' });

export const SalesReport = z
  .object({ from: z.string(), to: z.string(), by: z.enum(SalesBy), items: z.array(SalesRow) })
  .meta({ id: 'SalesReport' });

export const OccupancyReport = z
  .object({
    from: z.string(),
    to: z.string(),
    items: z.array(OccupancyRow),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    totals: z.object({ showtimes: z.number().int(), seats: z.number().int(), ...seatUse }),
  })
  .meta({ id: 'OccupancyReport' });

const revenueFigures = {
  currency: Currency,
  bookings: z.number().int().meta({ description: 'CONFIRMED bookings' }),
  seats: z.number().int().meta({ description: 'Seats of CONFIRMED bookings' }),
  revenue: Money.meta({ description: 'Sum of CONFIRMED booking amounts' }),
  refundedBookings: z.number().int().meta({ description: 'REFUNDED bookings (not in revenue)' }),
  refundedAmount: Money,
};

export const RevenueReport = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: z.array(z.object(revenueFigures)),
    byMovie: z.array(z.object({ movieId: z.number().int(), title: z.string(), ...revenueFigures })),
    byDay: z.array(z.object({ day: z.string(), ...revenueFigures })),
  })
  .meta({ id: 'RevenueReport' });

export const RevenueDayRow = RevenueReport.shape.byDay.element;
export const RevenueMovieRow = RevenueReport.shape.byMovie.element;
export const RevenueTotalRow = RevenueReport.shape.totals.element;

export const PopularRow = z
  .object({
    rank: z.number().int(),
    movieId: z.number().int(),
    title: z.string(),
    seatsBooked: z.number().int(),
    bookings: z.number().int(),
    showtimes: z.number().int().meta({ description: 'Scheduled showtimes of the movie in the range' }),
  })
  .meta({ id: 'PopularRow' });

export const PopularReport = z
  .object({
    from: z.string(),
    to: z.string(),
    items: z.array(PopularRow),
  })
  .meta({ id: 'PopularReport' });
