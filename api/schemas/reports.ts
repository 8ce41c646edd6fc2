import { z } from 'zod';
import { ShowtimeStatuses } from '../../core/domain.js';
import { Currency, Instant, Money } from './common.js';
import { DayParam, pagination } from './params.js';

export const MAX_REPORT_DAYS = 366;

const range = {
  from: DayParam.optional().meta({ description: 'First UTC day (default: 29 days before `to`)' }),
  to: DayParam.optional().meta({ description: `Last UTC day, inclusive (default: today); at most ${MAX_REPORT_DAYS} days after from` }),
};

export const ReportRangeQuery = z.object(range);
export const OccupancyQuery = pagination(100, 1000).extend(range);
export const PopularQuery = z.object({ ...range, limit: z.coerce.number().int().min(1).max(100).default(10) });

const Percent = z.number().min(0).max(100).meta({ description: 'Booked seats in percent of all seats, one decimal' });

export const OccupancyRow = z
  .object({
    showtimeId: z.number().int(),
    startsAt: Instant,
    status: z.enum(ShowtimeStatuses),
    movie: z.object({ id: z.number().int(), title: z.string() }),
    hall: z.object({ id: z.number().int(), name: z.string() }),
    total: z.number().int(),
    booked: z.number().int(),
    held: z.number().int(),
    available: z.number().int(),
    occupancyPct: Percent,
  })
  .meta({ id: 'OccupancyRow' });

export const OccupancyReport = z
  .object({
    from: z.string(),
    to: z.string(),
    items: z.array(OccupancyRow),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    totals: z.object({
      showtimes: z.number().int(),
      seats: z.number().int(),
      booked: z.number().int(),
      held: z.number().int(),
      available: z.number().int(),
      occupancyPct: Percent,
    }),
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

export const PopularReport = z
  .object({
    from: z.string(),
    to: z.string(),
    items: z.array(
      z.object({
        rank: z.number().int(),
        movieId: z.number().int(),
        title: z.string(),
        seatsBooked: z.number().int(),
        bookings: z.number().int(),
        showtimes: z.number().int().meta({ description: 'Scheduled showtimes of the movie in the range' }),
      }),
    ),
  })
  .meta({ id: 'PopularReport' });
