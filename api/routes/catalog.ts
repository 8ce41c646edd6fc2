import { notFound } from '../../core/errors.js';
import { getMovieDetail, listActors, listGenres, movieExists, searchMovies } from '../../db/catalog.js';
import { findShowtimes } from '../../db/showtimes.js';
import { route } from '../route.js';
import { ActorPage, ActorQuery, GenrePage, GenreQuery, MovieDetailSchema, MoviePage, MovieQuery } from '../schemas/catalog.js';
import { IdParams } from '../schemas/common.js';
import { utcDayRange } from '../schemas/params.js';
import { MovieShowtimeQuery, ShowtimePage } from '../schemas/showtimes.js';

const tags = ['catalog'];
const blankAsNone = (s: string | undefined): string | undefined => (s?.trim() ? s.trim() : undefined);

export const catalogRoutes = [
  route({
    method: 'get',
    path: '/movies',
    summary: 'Search movies',
    tags,
    query: MovieQuery,
    responses: { 200: { description: 'A page of movies', schema: MoviePage } },
    handler: async ({ query }, deps) => {
      const result = await searchMovies(deps.ds, {
        q: blankAsNone(query.q),
        genre: query.genre,
        actorId: query.actor,
        showingOn: query.date ? utcDayRange(query.date) : undefined,
        availableOn: query.available_on ? utcDayRange(query.available_on) : undefined,
        sort: query.sort,
        limit: query.limit,
        offset: query.offset,
      });
      return { body: { ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/movies/:id',
    summary: 'A movie with its genres, cast (billing order) and upcoming showtimes',
    tags,
    params: IdParams,
    responses: { 200: { description: 'The movie', schema: MovieDetailSchema } },
    handler: async ({ params }, deps) => {
      const movie = await getMovieDetail(deps.ds, params.id, deps.clock.now());
      if (!movie) throw notFound('movie', params.id);
      return { body: movie };
    },
  }),

  route({
    method: 'get',
    path: '/movies/:id/showtimes',
    summary: "A movie's upcoming scheduled showtimes",
    tags,
    params: IdParams,
    query: MovieShowtimeQuery,
    responses: { 200: { description: 'A page of showtimes, soonest first', schema: ShowtimePage } },
    handler: async ({ params, query }, deps) => {
      if (!(await movieExists(deps.ds, params.id))) throw notFound('movie', params.id);
      const now = deps.clock.now();
      const day = query.date ? utcDayRange(query.date) : undefined;
      const result = await findShowtimes(
        deps.ds,
        { movieId: params.id, status: 'scheduled', after: now, from: day?.[0], to: day?.[1], limit: query.limit, offset: query.offset },
        now,
      );
      return { body: { ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/genres',
    summary: 'All genres, by name',
    tags,
    query: GenreQuery,
    responses: { 200: { description: 'A page of genres', schema: GenrePage } },
    handler: async ({ query }, deps) => ({
      body: { ...(await listGenres(deps.ds, query)), limit: query.limit, offset: query.offset },
    }),
  }),

  route({
    method: 'get',
    path: '/actors',
    summary: 'Actors, by name, optionally searched',
    tags,
    query: ActorQuery,
    responses: { 200: { description: 'A page of actors', schema: ActorPage } },
    handler: async ({ query }, deps) => ({
      body: {
        ...(await listActors(deps.ds, { q: blankAsNone(query.q), limit: query.limit, offset: query.offset })),
        limit: query.limit,
        offset: query.offset,
      },
    }),
  }),
];
