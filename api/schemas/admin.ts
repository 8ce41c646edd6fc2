import { z } from 'zod';
import { Roles, SeatTypes, ShowtimeStatuses } from '../../core/domain.js';
import { AISLE, LayoutSymbols, MAX_HALL_COLS, MAX_HALL_ROWS } from '../../core/hall-layout.js';
import { UserSchema } from './auth.js';
import { page } from './common.js';
import { SeatSchema } from './showtimes.js';
import { DayParam, InstantInput, pagination } from './params.js';

/** An id inside a JSON body: a real number, not a numeric string. */
export const BodyId = z.number().int().positive().max(2_147_483_647);

const uniqueIds = (ids: number[]): boolean => new Set(ids).size === ids.length;

const movieFields = {
  title: z.string().trim().min(1).max(200),
  synopsis: z.string().trim().max(5000),
  runtimeMin: z.number().int().min(1).max(600),
  rating: z.string().trim().min(1).max(8).meta({ example: 'PG-13' }),
  posterUrl: z.url({ protocol: /^https?$/ }).max(500).nullable(),
  releaseDate: DayParam,
  availableFrom: InstantInput,
  availableUntil: InstantInput.meta({ description: 'Exclusive end of the screening window; after availableFrom' }),
  genreIds: z.array(BodyId).max(20).refine(uniqueIds, 'genre ids must be unique'),
  actorIds: z
    .array(BodyId)
    .max(50)
    .refine(uniqueIds, 'actor ids must be unique')
    .meta({ description: 'Cast in billing order' }),
};

const windowOrdered = (m: { availableFrom?: string; availableUntil?: string }): boolean =>
  !m.availableFrom || !m.availableUntil || Date.parse(m.availableUntil) > Date.parse(m.availableFrom);
const windowMessage = { message: 'availableUntil must be after availableFrom', path: ['availableUntil'] };

export const MovieCreateBody = z
  .object({
    ...movieFields,
    synopsis: movieFields.synopsis.default(''),
    posterUrl: movieFields.posterUrl.default(null),
    genreIds: movieFields.genreIds.default([]),
    actorIds: movieFields.actorIds.default([]),
  })
  .refine(windowOrdered, windowMessage)
  .meta({
    id: 'MovieInput',
    example: {
      title: 'The Long Projection',
      synopsis: 'A projectionist keeps the last reel running.',
      runtimeMin: 104,
      rating: 'PG',
      posterUrl: null,
      releaseDate: '2026-12-04',
      availableFrom: '2026-12-04T00:00:00Z',
      availableUntil: '2027-02-01T00:00:00Z',
      genreIds: [1],
      actorIds: [1, 2],
    },
  });

export const MoviePatchBody = z.object(movieFields).partial().refine(windowOrdered, windowMessage).meta({ id: 'MoviePatch' });

export const GenreBody = z.object({ name: z.string().trim().min(1).max(60) });
export const ActorBody = z.object({ name: z.string().trim().min(1).max(120) });

const Currency3 = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals').meta({ example: 'USD' });
const BasePrice = z.number().int().min(0).max(1_000_000).meta({ description: 'Integer minor units; seat types add a premium' });

const Layout = z
  .array(z.string().max(200))
  .max(100)
  .meta({
    description: `One string per row, front row first (at most ${MAX_HALL_ROWS} rows of at most ${MAX_HALL_COLS} columns, all the same width): ${Object.entries(LayoutSymbols)
      .map(([symbol, type]) => `${symbol} ${type}`)
      .join(', ')}, ${AISLE} aisle. A companion seat (C) sits beside a wheelchair space (A) (GET /admin/hall-layouts/rules).`,
    example: ['AR.RA', 'PP.VV'],
  });

export const HallCreateBody = z
  .object({ name: z.string().trim().min(1).max(80), layout: Layout })
  .meta({ example: { name: 'Screen 7', layout: ['AARRAA', 'RR..RR', 'PPPPPP', 'VV..VV'] } });
export const HallPatchBody = z.object({ name: z.string().trim().min(1).max(80), layout: Layout }).partial();

export const HallSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    rows: z.number().int(),
    cols: z.number().int(),
    seatCount: z.number().int(),
    layout: z.array(z.string()),
  })
  .meta({ id: 'Hall' });
export const HallPage = page(HallSchema).meta({ id: 'HallPage' });

const Permission = z.object({
  allowed: z.boolean(),
  reason: z.string().nullable().meta({ description: 'What the operator should know, in words: why not, or what the change will do' }),
});

export const HallDetailSchema = HallSchema.extend({
  usage: z.object({
    showtimes: z.number().int(),
    upcomingShowtimes: z.number().int().meta({ description: 'Scheduled showtimes that have not ended' }),
    bookings: z.number().int().meta({ description: 'Bookings of any status on any showtime in the hall' }),
    occupiedSeats: z.number().int().meta({ description: 'Show seats held or booked now' }),
  }),
  changes: z
    .object({ rename: Permission, layout: Permission, remove: Permission })
    .meta({ description: 'What PATCH and DELETE would accept now (they check again under the hall lock)' }),
}).meta({ id: 'HallDetail' });

export const LayoutRulesSchema = z
  .object({
    aisle: z.string().meta({ description: 'The symbol of a grid cell without a seat' }),
    symbols: z.array(
      z.object({
        symbol: z.string().length(1),
        seatType: z.enum(SeatTypes),
        pricePercent: z.number().int().meta({ description: "The seat's price in percent of the showtime's base price" }),
      }),
    ),
    maxRows: z.number().int(),
    maxCols: z.number().int(),
  })
  .meta({ id: 'LayoutRules' });

export const LayoutPreviewBody = z
  .object({
    layout: Layout,
    basePrice: BasePrice.default(1000).meta({ description: 'Prices the preview as a showtime with this base price would be' }),
    currency: Currency3.default('USD'),
  })
  .strict();

export const LayoutPreviewSchema = z
  .object({
    rows: z.number().int(),
    cols: z.number().int(),
    seatCount: z.number().int(),
    seats: z.array(SeatSchema).meta({ description: 'As the seat map of a showtime in this hall will show them (ids are positions, not show seats)' }),
    currency: z.string(),
  })
  .meta({ id: 'LayoutPreview' });
export const HallQuery = pagination(50, 100);


export const ShowtimeCreateBody = z.object({
  movieId: BodyId,
  hallId: BodyId,
  startsAt: InstantInput,
  basePrice: BasePrice,
  currency: Currency3.default('USD'),
});

export const ShowtimePatchBody = z.object({
  hallId: BodyId.optional(),
  startsAt: InstantInput.optional(),
  basePrice: BasePrice.optional(),
  currency: Currency3.optional(),
});

export const AdminShowtimeQuery = pagination(50, 100).extend({
  movie: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  hall: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  status: z.enum(ShowtimeStatuses).optional(),
  from: DayParam.optional().meta({ description: 'Showtimes starting on or after this UTC day' }),
  to: DayParam.optional().meta({ description: 'Showtimes starting on or before this UTC day' }),
});

export const UserQuery = pagination(50, 100).extend({
  q: z.string().max(100).optional().meta({ description: 'Text in the email or the name' }),
  role: z.enum(Roles).optional(),
});
export const UserPage = page(UserSchema).meta({ id: 'UserPage' });

export const RoleBody = z.object({ role: z.enum(Roles).meta({ description: 'user, staff (reads bookings in the console) or admin' }) }).strict().meta({ id: 'RoleChange' });
