import { z } from 'zod';
import { SeatStatuses, SeatTypes, ShowtimeStatuses } from '../../core/domain.js';
import { TicketTypeCodes } from '../../core/pricing.js';
import { Currency, Instant, IntId, Money, page } from './common.js';
import { DayParam, pagination } from './params.js';

export const SeatCountsSchema = z
  .object({
    total: z.number().int(),
    available: z.number().int().meta({ description: 'Includes seats whose hold has expired' }),
    held: z.number().int(),
    booked: z.number().int(),
  })
  .meta({ id: 'SeatCounts' });

export const ShowtimeSchema = z
  .object({
    id: z.number().int(),
    movieId: z.number().int(),
    hallId: z.number().int(),
    startsAt: Instant,
    endsAt: Instant.meta({ description: 'starts_at + runtime + cleaning buffer: when the hall is free again' }),
    basePrice: Money,
    currency: Currency,
    status: z.enum(ShowtimeStatuses),
    seatVersion: z.number().int(),
    movie: z.object({
      id: z.number().int(),
      title: z.string(),
      runtimeMin: z.number().int(),
      rating: z.string(),
      posterUrl: z.string().nullable(),
    }),
    hall: z.object({ id: z.number().int(), name: z.string(), rows: z.number().int(), cols: z.number().int() }),
    seats: SeatCountsSchema,
  })
  .meta({ id: 'Showtime' });

export const ShowtimePage = page(ShowtimeSchema).meta({ id: 'ShowtimePage' });

/** One showtime, with the rules its seat picker applies before a request is sent. */
export const ShowtimeDetailSchema = ShowtimeSchema.extend({
  seating: z.object({
    maxSeatsPerCheckout: z.number().int(),
    singleSeatRule: z.boolean().meta({ description: 'A hold may not leave a single free seat alone (unless it cannot avoid it)' }),
    companionsOnSale: z.boolean().meta({ description: 'Companion seats sell on their own (the show is close); before that, only with the wheelchair space beside' }),
    holdExtensionSeconds: z.number().int().meta({ description: 'What POST /checkouts/{id}/extend adds to a hold, once' }),
  }),
  ticketTypes: z
    .array(
      z.object({
        code: z.enum(TicketTypeCodes),
        name: z.string(),
        prices: z.record(z.enum(SeatTypes), Money).meta({ description: 'What a ticket of this type costs for a seat of each type' }),
      }),
    )
    .meta({ description: 'The ticket types on sale for this showtime (adult first: the seat prices), as POST /checkouts names them' }),
}).meta({ id: 'ShowtimeDetail' });

export const ShowtimeQuery = pagination(20, 100).extend({
  movie: IntId.optional().meta({ description: 'Movie id' }),
  hall: IntId.optional().meta({ description: 'Hall id' }),
  date: DayParam.optional().meta({ description: 'Only showtimes starting on this UTC day' }),
});

export const MovieShowtimeQuery = pagination(50, 100).extend({
  date: DayParam.optional().meta({ description: 'Only showtimes starting on this UTC day' }),
});

export const SeatSchema = z
  .object({
    id: z.number().int().meta({ description: 'Show seat id: what POST /checkouts takes in seatIds' }),
    label: z.string().meta({ example: 'F7' }),
    row: z.string(),
    number: z.number().int(),
    type: z.enum(SeatTypes),
    price: Money,
    status: z.enum(SeatStatuses).meta({ description: 'A hold past its expiry is reported as available' }),
    gridRow: z.number().int(),
    gridCol: z.number().int(),
  })
  .meta({ id: 'Seat' });

export const SeatMapSchema = z
  .object({
    showtimeId: z.number().int(),
    version: z.number().int().meta({ description: 'seat_version; Socket.IO seats:changed events carry the next ones' }),
    rows: z.number().int(),
    cols: z.number().int(),
    seats: z.array(SeatSchema),
    counts: z.object({ available: z.number().int(), held: z.number().int(), booked: z.number().int() }),
  })
  .meta({ id: 'SeatMap' });

export const IfNoneMatchHeaders = z.object({
  'if-none-match': z.string().optional().meta({ description: 'ETag of a seat map the client already has' }),
});
