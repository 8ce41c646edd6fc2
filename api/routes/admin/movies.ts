import { changedFields } from '../../../core/audit.js';
import { conflict, notFound, validationFailed } from '../../../core/errors.js';
import * as bookings from '../../../db/bookings.js';
import { castOf, createMovie, getMovie, getMovieDetail, movieWindow, removeMovie, setCast, setGenres, updateMovie } from '../../../db/catalog.js';
import * as showtimes from '../../../db/showtimes.js';
import { inTransaction, type Sql } from '../../../db/sql.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { MovieCreateBody, MoviePatchBody } from '../../schemas/admin.js';
import { MovieDetailSchema } from '../../schemas/catalog.js';
import { IdParams } from '../../schemas/common.js';
import { audited, errorReply, tags } from './support.js';

async function detail(deps: AppDeps, id: number) {
  const movie = await getMovieDetail(deps.ds, id, deps.clock.now());
  if (!movie) throw notFound('movie', id);
  return movie;
}

/** Genres are a set: compared in id order. The cast is compared in billing order. */
const byId = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

/** The editable fields of a movie as stored, with its genre and cast ids: what an audit entry compares an edit with. */
async function movieFields(tx: Sql, id: number) {
  const movie = await getMovie(tx, id);
  if (!movie) throw notFound('movie', id);
  const { id: _id, genres, ...fields } = movie;
  return { ...fields, genreIds: byId(genres.map((g) => g.id)), actorIds: (await castOf(tx, id)).map((a) => a.id) };
}

export const adminMovieRoutes = [
  route({
    method: 'post',
    path: '/admin/movies',
    summary: 'Create a movie',
    tags,
    auth: 'admin',
    body: MovieCreateBody,
    responses: {
      201: { description: 'The new movie', schema: MovieDetailSchema },
      422: errorReply('A genre or actor id does not exist'),
    },
    handler: async (input, deps) => {
      const { genreIds, actorIds, ...fields } = input.body;
      const id = await inTransaction(deps.ds, async (tx) => {
        const window = { availableFrom: new Date(fields.availableFrom), availableUntil: new Date(fields.availableUntil) };
        const movieId = await createMovie(tx, { ...fields, ...window }, deps.clock.now());
        await setGenres(tx, movieId, genreIds);
        await setCast(tx, movieId, actorIds);
        await audited(tx, deps, input, { action: 'movie.create', resourceId: movieId, changes: { ...fields, ...window, genreIds, actorIds } });
        return movieId;
      });
      return { status: 201, body: await detail(deps, id) };
    },
  }),

  route({
    method: 'patch',
    path: '/admin/movies/:id',
    summary: 'Change a movie (only the fields sent; genreIds/actorIds replace the lists)',
    tags,
    auth: 'admin',
    params: IdParams,
    body: MoviePatchBody,
    responses: {
      200: { description: 'The movie', schema: MovieDetailSchema },
      409: errorReply('Runtime or screening window would no longer fit upcoming showtimes'),
      422: errorReply('A genre or actor id does not exist'),
    },
    handler: async (input, deps) => {
      const { params, body } = input;
      await inTransaction(deps.ds, async (tx) => {
        const movie = await movieWindow(tx, params.id, 'update');
        if (!movie) throw notFound('movie', params.id);
        const from = body.availableFrom ? new Date(body.availableFrom) : movie.availableFrom;
        const until = body.availableUntil ? new Date(body.availableUntil) : movie.availableUntil;
        if (until <= from) {
          throw validationFailed('availableUntil must be after availableFrom', {
            availableFrom: from.toISOString(),
            availableUntil: until.toISOString(),
          });
        }
        const runtimeChanged = body.runtimeMin !== undefined && body.runtimeMin !== movie.runtimeMin;
        const windowChanged = from.getTime() !== movie.availableFrom.getTime() || until.getTime() !== movie.availableUntil.getTime();
        if (runtimeChanged || windowChanged) {
          const upcoming = await showtimes.upcomingOfMovie(tx, params.id, deps.clock.now(), 'starts_at');
          if (runtimeChanged && upcoming.length > 0) {
            throw conflict('The runtime cannot change while the movie has upcoming showtimes', {
              showtimeIds: upcoming.map((s) => s.id),
            });
          }
          const outside = upcoming.filter((s) => s.startsAt < from || s.endsAt > until);
          if (outside.length > 0) {
            throw conflict('Upcoming showtimes would fall outside the new screening window', {
              showtimeIds: outside.map((s) => s.id),
            });
          }
        }
        const { genreIds, actorIds, availableFrom, availableUntil, ...fields } = body;
        const before = await movieFields(tx, params.id);
        const after = { ...fields, availableFrom: availableFrom ? from : undefined, availableUntil: availableUntil ? until : undefined };
        await updateMovie(tx, params.id, after);
        if (genreIds) await setGenres(tx, params.id, genreIds);
        if (actorIds) await setCast(tx, params.id, actorIds);
        const changes = changedFields(before, { ...after, genreIds: genreIds && byId(genreIds), actorIds });
        if (Object.keys(changes).length > 0) await audited(tx, deps, input, { action: 'movie.update', resourceId: params.id, changes });
      });
      return { body: await detail(deps, params.id) };
    },
  }),

  route({
    method: 'delete',
    path: '/admin/movies/:id',
    summary: 'Delete a movie (refused while it has upcoming showtimes or any booking)',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: {
      204: { description: 'Deleted, with its past showtimes that nobody booked' },
      409: errorReply('The movie has upcoming showtimes or showtimes with bookings'),
    },
    handler: async (input, deps) => {
      const { params } = input;
      await inTransaction(deps.ds, async (tx) => {
        if (!(await movieWindow(tx, params.id, 'update'))) throw notFound('movie', params.id);
        const upcoming = await showtimes.upcomingOfMovie(tx, params.id, deps.clock.now(), 'ends_at');
        if (upcoming.length > 0) {
          throw conflict('The movie has upcoming showtimes; cancel or delete them first', {
            showtimeIds: upcoming.map((s) => s.id),
          });
        }
        const booked = await bookings.countOfMovie(tx, params.id);
        if (booked > 0) throw conflict('The movie has showtimes with bookings; they are kept for the records', { bookings: booked });
        const { title, releaseDate } = await movieFields(tx, params.id);
        await showtimes.removeOfMovie(tx, params.id);
        await removeMovie(tx, params.id);
        await audited(tx, deps, input, { action: 'movie.delete', resourceId: params.id, changes: { title, releaseDate } });
      });
      return { status: 204 };
    },
  }),
];
