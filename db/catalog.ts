import { findShowtimes } from './showtimes.js';
import { unprocessable } from '../core/errors.js';
import { likeContains, num, placeholders, type Sql } from './sql.js';

export interface GenreView {
  id: number;
  name: string;
}

export interface ActorView {
  id: number;
  name: string;
}

export interface MovieView extends MovieFields {
  id: number;
  genres: GenreView[];
}

export interface CastMember extends ActorView {
  billingOrder: number;
}

export const MovieSorts = ['title', 'release_date', '-release_date'] as const;
export type MovieSort = (typeof MovieSorts)[number];

export interface MovieFilter {
  /** Text contained in the title, the synopsis or an actor's name. */
  q?: string;
  /** A genre id (all digits) or a genre name. */
  genre?: string;
  actorId?: number;
  /** Has a scheduled showtime starting in [dayStart, dayEnd). */
  showingOn?: [Date, Date];
  /** [available_from, available_until) overlaps [dayStart, dayEnd). */
  availableOn?: [Date, Date];
  sort: MovieSort;
  limit: number;
  offset: number;
}

const MOVIE_COLUMNS = `m.id, m.title, m.synopsis, m.runtime_min AS runtimeMin, m.rating, m.poster_url AS posterUrl,
  DATE_FORMAT(m.release_date, '%Y-%m-%d') AS releaseDate, m.available_from AS availableFrom, m.available_until AS availableUntil`;

const ORDER: Record<MovieSort, string> = {
  title: 'm.title, m.id',
  release_date: 'm.release_date, m.title, m.id',
  '-release_date': 'm.release_date DESC, m.title, m.id',
};

type MovieRow = Omit<MovieView, 'genres'>;

async function withGenres(sql: Sql, rows: MovieRow[]): Promise<MovieView[]> {
  const byMovie = await genresOf(sql, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, genres: byMovie.get(r.id) ?? [] }));
}

/** Genres of several movies in one query, by name. */
export async function genresOf(sql: Sql, movieIds: number[]): Promise<Map<number, GenreView[]>> {
  const out = new Map<number, GenreView[]>();
  if (movieIds.length === 0) return out;
  const rows: { movieId: number; id: number; name: string }[] = await sql.query(
    `SELECT mg.movie_id AS movieId, g.id, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id
     WHERE mg.movie_id IN (?) ORDER BY g.name, g.id`,
    [movieIds],
  );
  for (const r of rows) {
    const list = out.get(r.movieId) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.movieId, list);
  }
  return out;
}

/** The movie list: every filter is an indexed EXISTS, so one movie appears once whatever matches. */
export async function searchMovies(sql: Sql, f: MovieFilter): Promise<{ items: MovieView[]; total: number }> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (f.q) {
    const like = likeContains(f.q);
    clauses.push(`(m.title LIKE ? ESCAPE '!' OR m.synopsis LIKE ? ESCAPE '!' OR EXISTS (
      SELECT 1 FROM movie_actors ma JOIN actors a ON a.id = ma.actor_id WHERE ma.movie_id = m.id AND a.name LIKE ? ESCAPE '!'))`);
    params.push(like, like, like);
  }
  if (f.genre !== undefined) {
    if (/^\d{1,10}$/.test(f.genre)) {
      clauses.push('EXISTS (SELECT 1 FROM movie_genres mg WHERE mg.movie_id = m.id AND mg.genre_id = ?)');
      params.push(Number(f.genre));
    } else {
      clauses.push(`EXISTS (SELECT 1 FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id
        WHERE mg.movie_id = m.id AND g.name = ?)`);
      params.push(f.genre);
    }
  }
  if (f.actorId !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM movie_actors ma WHERE ma.movie_id = m.id AND ma.actor_id = ?)');
    params.push(f.actorId);
  }
  if (f.showingOn) {
    clauses.push(`EXISTS (SELECT 1 FROM showtimes st WHERE st.movie_id = m.id AND st.status = 'scheduled'
      AND st.starts_at >= ? AND st.starts_at < ?)`);
    params.push(...f.showingOn);
  }
  if (f.availableOn) {
    clauses.push('m.available_from < ? AND m.available_until > ?');
    params.push(f.availableOn[1], f.availableOn[0]);
  }
  const w = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const [rows, [count]]: [MovieRow[], { n: number }[]] = await Promise.all([
    sql.query(`SELECT ${MOVIE_COLUMNS} FROM movies m ${w} ORDER BY ${ORDER[f.sort]} LIMIT ? OFFSET ?`, [
      ...params,
      f.limit,
      f.offset,
    ]),
    sql.query(`SELECT COUNT(*) AS n FROM movies m ${w}`, params),
  ]);
  return { items: await withGenres(sql, rows), total: num(count?.n) };
}

export async function getMovie(sql: Sql, id: number): Promise<MovieView | null> {
  const [row]: MovieRow[] = await sql.query(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.id = ?`, [id]);
  if (!row) return null;
  const [movie] = await withGenres(sql, [row]);
  return movie ?? null;
}

/** The cast in billing order. */
export async function castOf(sql: Sql, movieId: number): Promise<CastMember[]> {
  const rows: CastMember[] = await sql.query(
    `SELECT a.id, a.name, ma.billing_order AS billingOrder FROM movie_actors ma JOIN actors a ON a.id = ma.actor_id
     WHERE ma.movie_id = ? ORDER BY ma.billing_order, a.id`,
    [movieId],
  );
  return rows;
}

export async function listGenres(sql: Sql, page: { limit: number; offset: number }): Promise<{ items: GenreView[]; total: number }> {
  const [items, [count]]: [GenreView[], { n: number }[]] = await Promise.all([
    sql.query('SELECT id, name FROM genres ORDER BY name, id LIMIT ? OFFSET ?', [page.limit, page.offset]),
    sql.query('SELECT COUNT(*) AS n FROM genres'),
  ]);
  return { items, total: num(count?.n) };
}

export async function listActors(
  sql: Sql,
  f: { q?: string; limit: number; offset: number },
): Promise<{ items: ActorView[]; total: number }> {
  const w = f.q ? "WHERE name LIKE ? ESCAPE '!'" : '';
  const params = f.q ? [likeContains(f.q)] : [];
  const [items, [count]]: [ActorView[], { n: number }[]] = await Promise.all([
    sql.query(`SELECT id, name FROM actors ${w} ORDER BY name, id LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]),
    sql.query(`SELECT COUNT(*) AS n FROM actors ${w}`, params),
  ]);
  return { items, total: num(count?.n) };
}

/** A movie with its cast and (at most 100) upcoming scheduled showtimes, soonest first. */
export async function getMovieDetail(sql: Sql, id: number, now: Date) {
  const movie = await getMovie(sql, id);
  if (!movie) return null;
  const [actors, showtimes] = await Promise.all([
    castOf(sql, id),
    findShowtimes(sql, { movieId: id, status: 'scheduled', after: now, limit: 100, offset: 0 }, now),
  ]);
  return { ...movie, actors, showtimes: showtimes.items };
}

export const movieExists = async (sql: Sql, id: number): Promise<boolean> =>
  (await sql.query('SELECT 1 AS ok FROM movies WHERE id = ?', [id])).length > 0;

/** A movie's runtime and screening window, locked for sharing (a showtime is scheduled against them) or for update. */
export async function movieWindow(
  sql: Sql,
  id: number,
  lock: 'share' | 'update',
): Promise<{ runtimeMin: number; availableFrom: Date; availableUntil: Date } | null> {
  const [m]: { runtime_min: number; available_from: Date; available_until: Date }[] = await sql.query(
    `SELECT runtime_min, available_from, available_until FROM movies WHERE id = ? ${lock === 'share' ? 'LOCK IN SHARE MODE' : 'FOR UPDATE'}`,
    [id],
  );
  return m ? { runtimeMin: m.runtime_min, availableFrom: m.available_from, availableUntil: m.available_until } : null;
}

export interface MovieFields {
  title: string;
  synopsis: string;
  runtimeMin: number;
  rating: string;
  posterUrl: string | null;
  releaseDate: string;
  availableFrom: Date;
  availableUntil: Date;
}

const MOVIE_FIELD_COLUMNS: Record<keyof MovieFields, string> = {
  title: 'title',
  synopsis: 'synopsis',
  runtimeMin: 'runtime_min',
  rating: 'rating',
  posterUrl: 'poster_url',
  releaseDate: 'release_date',
  availableFrom: 'available_from',
  availableUntil: 'available_until',
};

export async function createMovie(sql: Sql, m: MovieFields, now: Date): Promise<number> {
  const keys = Object.keys(MOVIE_FIELD_COLUMNS) as (keyof MovieFields)[];
  const res: { insertId: number } = await sql.query(
    `INSERT INTO movies (${keys.map((k) => MOVIE_FIELD_COLUMNS[k]).join(', ')}, created_at) VALUES (${placeholders(keys.length + 1)})`,
    [...keys.map((k) => m[k]), now],
  );
  return res.insertId;
}

/** Sets the fields given (undefined = unchanged). */
export async function updateMovie(sql: Sql, id: number, m: Partial<MovieFields>): Promise<void> {
  const set = (Object.keys(MOVIE_FIELD_COLUMNS) as (keyof MovieFields)[]).filter((k) => m[k] !== undefined);
  if (set.length === 0) return;
  await sql.query(`UPDATE movies SET ${set.map((k) => `${MOVIE_FIELD_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`, [...set.map((k) => m[k]), id]);
}

export async function removeMovie(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM movies WHERE id = ?', [id]);
}

/** 422 unless every id names a row of `table` (read with a shared lock, so they stay while the caller links them). */
export async function assertExist(sql: Sql, table: 'genres' | 'actors', ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const found: { id: number }[] = await sql.query(`SELECT id FROM ${table} WHERE id IN (?) LOCK IN SHARE MODE`, [ids]);
  const known = new Set(found.map((r) => Number(r.id)));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw unprocessable(`Unknown ${table}: ${missing.join(', ')}`, { [table]: missing });
}

export async function setGenres(sql: Sql, movieId: number, genreIds: readonly number[]): Promise<void> {
  await assertExist(sql, 'genres', genreIds);
  await sql.query('DELETE FROM movie_genres WHERE movie_id = ?', [movieId]);
  if (genreIds.length) await sql.query('INSERT INTO movie_genres (movie_id, genre_id) VALUES ?', [genreIds.map((g) => [movieId, g])]);
}

/** The cast in billing order: the first actor is billed first. */
export async function setCast(sql: Sql, movieId: number, actorIds: readonly number[]): Promise<void> {
  await assertExist(sql, 'actors', actorIds);
  await sql.query('DELETE FROM movie_actors WHERE movie_id = ?', [movieId]);
  if (actorIds.length) {
    await sql.query('INSERT INTO movie_actors (movie_id, actor_id, billing_order) VALUES ?', [actorIds.map((a, i) => [movieId, a, i + 1])]);
  }
}

/** Genres and actors: rows that are only a name. */
export type NamedTable = 'genres' | 'actors';

export async function createNamed(sql: Sql, table: NamedTable, name: string): Promise<number> {
  const res: { insertId: number } = await sql.query(`INSERT INTO ${table} (name) VALUES (?)`, [name]);
  return res.insertId;
}

/** The name of a genre or actor, the row locked for the caller's change; null when there is none. */
export async function lockNamed(sql: Sql, table: NamedTable, id: number): Promise<string | null> {
  const [row]: { name: string }[] = await sql.query(`SELECT name FROM ${table} WHERE id = ? FOR UPDATE`, [id]);
  return row ? row.name : null;
}

/** False when no such row exists. */
export async function renameNamed(sql: Sql, table: NamedTable, id: number, name: string): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(`UPDATE ${table} SET name = ? WHERE id = ?`, [name, id]);
  if (res.affectedRows > 0) return true;
  return (await sql.query(`SELECT 1 AS ok FROM ${table} WHERE id = ?`, [id])).length > 0;
}

/** False when no such row exists. */
export async function removeNamed(sql: Sql, table: NamedTable, id: number): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(`DELETE FROM ${table} WHERE id = ?`, [id]);
  return res.affectedRows > 0;
}

/** The id of a genre or actor by name, for the seed. */
export async function idOfNamed(sql: Sql, table: NamedTable, name: string): Promise<number | null> {
  const [row]: { id: number }[] = await sql.query(`SELECT id FROM ${table} WHERE name = ? ORDER BY id LIMIT 1`, [name]);
  return row ? Number(row.id) : null;
}

/** A movie's id by title, for the seed. */
export async function movieIdByTitle(sql: Sql, title: string): Promise<number | null> {
  const [row]: { id: number }[] = await sql.query('SELECT id FROM movies WHERE title = ? ORDER BY id LIMIT 1', [title]);
  return row ? Number(row.id) : null;
}
