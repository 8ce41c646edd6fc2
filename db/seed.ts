import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../core/clock.js';
import { parseHallLayout } from '../core/hall-layout.js';
import { hashPassword } from '../core/password.js';
import type { Role } from '../core/domain.js';
import { Actor, Genre, Hall, Movie, MovieActor, MovieGenre, Showtime, User } from './entities/index.js';
import { DEMO_USER, SEED_DAYS, SHOWS_PER_HALL_PER_DAY, seedGenres, seedHalls, seedMovies } from './seed-data.js';
import { insertHall, insertShowtimeWithSeats, showtimeEnd } from './venue-store.js';

export interface SeedOptions {
  adminEmail: string;
  adminPassword: string;
  cleaningBufferMin: number;
  clock: Clock;
}

const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 15 * 60_000;
const startOfUtcDay = (d: Date): Date => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/**
 * Demo data keyed by natural keys (genre and movie titles, hall names, user
 * emails, hall + start time), so running it again on the same day adds nothing.
 */
export async function seed(ds: DataSource, opts: SeedOptions): Promise<void> {
  await ds.transaction(async (m) => {
    const now = opts.clock.now();
    const today = startOfUtcDay(now);
    const genres = await upsertByName(m, Genre, seedGenres);
    const actors = await upsertByName(m, Actor, [...new Set(seedMovies.flatMap((mv) => mv.actors))]);

    const movies: Movie[] = [];
    for (const sm of seedMovies) {
      let movie = await m.findOneBy(Movie, { title: sm.title });
      if (!movie) {
        const availableFrom = new Date(today.getTime() + sm.releaseInDays * DAY_MS);
        movie = await m.save(
          Movie,
          m.create(Movie, {
            title: sm.title,
            synopsis: sm.synopsis,
            runtimeMin: sm.runtimeMin,
            rating: sm.rating,
            posterUrl: null,
            releaseDate: availableFrom.toISOString().slice(0, 10),
            availableFrom,
            availableUntil: new Date(availableFrom.getTime() + sm.runDays * DAY_MS),
            createdAt: now,
          }),
        );
        const movieId = movie.id;
        await m.insert(MovieGenre, sm.genres.map((g) => ({ movieId, genreId: genres.get(g)! })));
        await m.insert(MovieActor, sm.actors.map((a, i) => ({ movieId, actorId: actors.get(a)!, billingOrder: i + 1 })));
      }
      movies.push(movie);
    }

    for (const [hallIndex, sh] of seedHalls.entries()) {
      let hall = await m.findOneBy(Hall, { name: sh.name });
      if (!hall) {
        const grid = parseHallLayout(sh.layout);
        if ('problems' in grid) throw new Error(`seed hall ${sh.name}: ${grid.problems.join('; ')}`);
        hall = await insertHall(m, sh.name, grid);
      }
      for (let day = 0; day < SEED_DAYS; day++) {
        const dayStart = new Date(today.getTime() + day * DAY_MS);
        const showing = movies.filter((mv) => mv.availableFrom <= dayStart && mv.availableUntil > dayStart);
        if (showing.length === 0) continue;
        let startsAt = new Date(dayStart.getTime() + sh.firstShowMin * 60_000);
        for (let slot = 0; slot < SHOWS_PER_HALL_PER_DAY; slot++) {
          const movie = showing[(day * 3 + hallIndex * 2 + slot) % showing.length]!;
          const endsAt = showtimeEnd(startsAt, movie.runtimeMin, opts.cleaningBufferMin);
          if (!(await m.existsBy(Showtime, { hallId: hall.id, startsAt }))) {
            await insertShowtimeWithSeats(m, {
              movieId: movie.id,
              hallId: hall.id,
              startsAt,
              endsAt,
              basePrice: sh.basePrice,
              currency: 'USD',
              createdAt: now,
            });
          }
          startsAt = new Date(Math.ceil(endsAt.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
        }
      }
    }

    await ensureUser(m, { email: opts.adminEmail, password: opts.adminPassword, name: 'Box Office Admin' }, 'admin', now);
    await ensureUser(m, DEMO_USER, 'user', now);
  });
}

async function upsertByName<T extends Genre | Actor>(
  m: EntityManager,
  entity: new () => T,
  names: string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const name of names) {
    const found = (await m.findOneBy(entity, { name } as never)) as T | null;
    const row = found ?? (await m.save(entity, m.create(entity, { name } as never)));
    ids.set(name, row.id);
  }
  return ids;
}

async function ensureUser(
  m: EntityManager,
  u: { email: string; password: string; name: string },
  role: Role,
  now: Date,
): Promise<void> {
  const email = u.email.toLowerCase();
  if (await m.existsBy(User, { email })) return;
  await m.insert(User, { email, name: u.name, passwordHash: await hashPassword(u.password), role, createdAt: now });
}
