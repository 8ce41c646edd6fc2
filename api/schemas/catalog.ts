import { z } from 'zod';
import { MovieSorts } from '../../db/catalog.js';
import { Instant, IntId, page } from './common.js';
import { DayParam, pagination } from './params.js';
import { ShowtimeSchema } from './showtimes.js';

export const GenreSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Genre' });
export const ActorSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Actor' });
export const GenrePage = page(GenreSchema).meta({ id: 'GenrePage' });
export const ActorPage = page(ActorSchema).meta({ id: 'ActorPage' });

export const MovieSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    synopsis: z.string(),
    runtimeMin: z.number().int(),
    rating: z.string().meta({ example: 'PG-13' }),
    posterUrl: z.string().nullable(),
    releaseDate: z.string().meta({ format: 'date', example: '2026-12-01' }),
    availableFrom: Instant,
    availableUntil: Instant.meta({ description: 'Exclusive end of the screening window' }),
    genres: z.array(GenreSchema),
  })
  .meta({ id: 'Movie' });

export const MoviePage = page(MovieSchema).meta({ id: 'MoviePage' });

export const MovieDetailSchema = MovieSchema.extend({
  actors: z.array(ActorSchema.extend({ billingOrder: z.number().int() })),
  showtimes: z.array(ShowtimeSchema).meta({ description: 'Upcoming scheduled showtimes, soonest first (at most 100)' }),
}).meta({ id: 'MovieDetail' });

/** Free text: blank means "no filter" so an empty search box works. */
const SearchText = z.string().max(100);

export const MovieQuery = pagination(20, 100).extend({
  q: SearchText.optional().meta({ description: 'Text in the title, the synopsis or an actor name (case-insensitive)' }),
  genre: z.string().min(1).max(60).optional().meta({ description: 'Genre id or exact genre name' }),
  actor: IntId.optional().meta({ description: 'Actor id' }),
  date: DayParam.optional().meta({ description: 'Has a scheduled showtime starting on this UTC day' }),
  available_on: DayParam.optional().meta({
    description: 'The screening window [availableFrom, availableUntil) overlaps this UTC day',
  }),
  sort: z.enum(MovieSorts).default('title'),
});

export const ActorQuery = pagination(50, 100).extend({
  q: SearchText.optional().meta({ description: 'Text in the actor name (case-insensitive)' }),
});

export const GenreQuery = pagination(100, 100);
