import type { EntityManager } from 'typeorm';
import { conflict, notFound, validationFailed } from '../../../core/errors.js';
import { getMovieDetail } from '../../../db/queries/catalog.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { MovieCreateBody, MoviePatchBody } from '../../schemas/admin.js';
import { MovieDetailSchema } from '../../schemas/catalog.js';
import { IdParams } from '../../schemas/common.js';
import { assertExist, errorReply, inTransaction, tags } from './support.js';

async function setGenres(m: EntityManager, movieId: number, genreIds: number[]): Promise<void> {
  await assertExist(m, 'genres', genreIds);
  await m.query('DELETE FROM movie_genres WHERE movie_id = ?', [movieId]);
  if (genreIds.length) await m.query('INSERT INTO movie_genres (movie_id, genre_id) VALUES ?', [genreIds.map((g) => [movieId, g])]);
}

async function setCast(m: EntityManager, movieId: number, actorIds: number[]): Promise<void> {
  await assertExist(m, 'actors', actorIds);
  await m.query('DELETE FROM movie_actors WHERE movie_id = ?', [movieId]);
  if (actorIds.length) {
    await m.query('INSERT INTO movie_actors (movie_id, actor_id, billing_order) VALUES ?', [
      actorIds.map((a, i) => [movieId, a, i + 1]),
    ]);
  }
}

async function detail(deps: AppDeps, id: number) {
  const movie = await getMovieDetail(deps.ds, id, deps.clock.now());
  if (!movie) throw notFound('movie', id);
  return movie;
}

interface MovieRow {
  id: number;
  runtime_min: number;
  available_from: Date;
  available_until: Date;
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
    handler: async ({ body }, deps) => {
      const id = await inTransaction(deps, async (m) => {
        const result: { insertId: number } = await m.query(
          `INSERT INTO movies (title, synopsis, runtime_min, rating, poster_url, release_date, available_from, available_until, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            body.title,
            body.synopsis,
            body.runtimeMin,
            body.rating,
            body.posterUrl,
            body.releaseDate,
            new Date(body.availableFrom),
            new Date(body.availableUntil),
            deps.clock.now(),
          ],
        );
        await setGenres(m, result.insertId, body.genreIds);
        await setCast(m, result.insertId, body.actorIds);
        return result.insertId;
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
    handler: async ({ params, body }, deps) => {
      await inTransaction(deps, async (m) => {
        const [movie]: MovieRow[] = await m.query(
          'SELECT id, runtime_min, available_from, available_until FROM movies WHERE id = ? FOR UPDATE',
          [params.id],
        );
        if (!movie) throw notFound('movie', params.id);
        const from = body.availableFrom ? new Date(body.availableFrom) : movie.available_from;
        const until = body.availableUntil ? new Date(body.availableUntil) : movie.available_until;
        if (until <= from) {
          throw validationFailed('availableUntil must be after availableFrom', {
            availableFrom: from.toISOString(),
            availableUntil: until.toISOString(),
          });
        }
        const runtimeChanged = body.runtimeMin !== undefined && body.runtimeMin !== movie.runtime_min;
        const windowChanged = from.getTime() !== movie.available_from.getTime() || until.getTime() !== movie.available_until.getTime();
        if (runtimeChanged || windowChanged) {
          const upcoming: { id: number; starts_at: Date; ends_at: Date }[] = await m.query(
            `SELECT id, starts_at, ends_at FROM showtimes WHERE movie_id = ? AND status = 'scheduled' AND starts_at > ?
             ORDER BY starts_at LOCK IN SHARE MODE`,
            [params.id, deps.clock.now()],
          );
          if (runtimeChanged && upcoming.length > 0) {
            throw conflict('The runtime cannot change while the movie has upcoming showtimes', {
              showtimeIds: upcoming.map((s) => s.id),
            });
          }
          const outside = upcoming.filter((s) => s.starts_at < from || s.ends_at > until);
          if (outside.length > 0) {
            throw conflict('Upcoming showtimes would fall outside the new screening window', {
              showtimeIds: outside.map((s) => s.id),
            });
          }
        }
        const columns: [string, unknown][] = [
          ['title', body.title],
          ['synopsis', body.synopsis],
          ['runtime_min', body.runtimeMin],
          ['rating', body.rating],
          ['poster_url', body.posterUrl],
          ['release_date', body.releaseDate],
          ['available_from', body.availableFrom && from],
          ['available_until', body.availableUntil && until],
        ];
        const set = columns.filter(([, v]) => v !== undefined);
        if (set.length) {
          await m.query(`UPDATE movies SET ${set.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [
            ...set.map(([, v]) => v),
            params.id,
          ]);
        }
        if (body.genreIds) await setGenres(m, params.id, body.genreIds);
        if (body.actorIds) await setCast(m, params.id, body.actorIds);
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
    handler: async ({ params }, deps) => {
      await inTransaction(deps, async (m) => {
        const [movie] = await m.query('SELECT id FROM movies WHERE id = ? FOR UPDATE', [params.id]);
        if (!movie) throw notFound('movie', params.id);
        const upcoming: { id: number }[] = await m.query(
          "SELECT id FROM showtimes WHERE movie_id = ? AND status = 'scheduled' AND ends_at > ? LOCK IN SHARE MODE",
          [params.id, deps.clock.now()],
        );
        if (upcoming.length > 0) {
          throw conflict('The movie has upcoming showtimes; cancel or delete them first', {
            showtimeIds: upcoming.map((s) => s.id),
          });
        }
        const [booked]: { n: number }[] = await m.query(
          'SELECT COUNT(*) AS n FROM bookings b JOIN showtimes st ON st.id = b.showtime_id WHERE st.movie_id = ?',
          [params.id],
        );
        if (Number(booked?.n) > 0) {
          throw conflict('The movie has showtimes with bookings; they are kept for the records', { bookings: Number(booked?.n) });
        }
        await m.query('DELETE FROM showtimes WHERE movie_id = ?', [params.id]);
        await m.query('DELETE FROM movies WHERE id = ?', [params.id]);
      });
      return { status: 204 };
    },
  }),
];
