import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import { parseHallLayout } from '../core/hall-layout.js';
import { hashPassword } from '../core/password.js';
import type { Role } from '../core/domain.js';
import * as catalog from './catalog.js';
import * as halls from './halls.js';
import * as promos from './promo-codes.js';
import { DEMO_PROMO_CODE, DEMO_USER, SEED_DAYS, SHOWS_PER_HALL_PER_DAY, seedGenres, seedHalls, seedMovies } from './seed-data.js';
import * as showtimes from './showtimes.js';
import type { Sql } from './sql.js';
import * as users from './users.js';

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
  await ds.transaction(async (tx) => {
    const now = opts.clock.now();
    const today = startOfUtcDay(now);
    const genres = await idsByName(tx, 'genres', seedGenres);
    const actors = await idsByName(tx, 'actors', [...new Set(seedMovies.flatMap((mv) => mv.actors))]);

    const movies: { id: number; runtimeMin: number; availableFrom: Date; availableUntil: Date }[] = [];
    for (const sm of seedMovies) {
      let id = await catalog.movieIdByTitle(tx, sm.title);
      if (id === null) {
        const availableFrom = new Date(today.getTime() + sm.releaseInDays * DAY_MS);
        id = await catalog.createMovie(
          tx,
          {
            title: sm.title,
            synopsis: sm.synopsis,
            runtimeMin: sm.runtimeMin,
            rating: sm.rating,
            posterUrl: null,
            releaseDate: availableFrom.toISOString().slice(0, 10),
            availableFrom,
            availableUntil: new Date(availableFrom.getTime() + sm.runDays * DAY_MS),
          },
          now,
        );
        await catalog.setGenres(tx, id, sm.genres.map((g) => genres.get(g)!));
        await catalog.setCast(tx, id, sm.actors.map((a) => actors.get(a)!));
      }
      movies.push({ id, ...(await catalog.movieWindow(tx, id, 'share'))! });
    }

    for (const [hallIndex, sh] of seedHalls.entries()) {
      let hallId = await halls.idByName(tx, sh.name);
      if (hallId === null) {
        const grid = parseHallLayout(sh.layout);
        if ('problems' in grid) throw new Error(`seed hall ${sh.name}: ${grid.problems.join('; ')}`);
        hallId = await halls.create(tx, sh.name, grid);
      }
      for (let day = 0; day < SEED_DAYS; day++) {
        const dayStart = new Date(today.getTime() + day * DAY_MS);
        const showing = movies.filter((mv) => mv.availableFrom <= dayStart && mv.availableUntil > dayStart);
        if (showing.length === 0) continue;
        let startsAt = new Date(dayStart.getTime() + sh.firstShowMin * 60_000);
        for (let slot = 0; slot < SHOWS_PER_HALL_PER_DAY; slot++) {
          const movie = showing[(day * 3 + hallIndex * 2 + slot) % showing.length]!;
          const endsAt = showtimes.showtimeEnd(startsAt, movie.runtimeMin, opts.cleaningBufferMin);
          if (!(await showtimes.existsAt(tx, hallId, startsAt))) {
            await showtimes.create(tx, { movieId: movie.id, hallId, startsAt, endsAt, basePrice: sh.basePrice, currency: 'USD', createdAt: now });
          }
          startsAt = new Date(Math.ceil(endsAt.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
        }
      }
    }

    await ensureUser(tx, { email: opts.adminEmail, password: opts.adminPassword, name: 'Box Office Admin' }, 'admin', now);
    await ensureUser(tx, DEMO_USER, 'user', now);
    if (!(await promos.findByCode(tx, DEMO_PROMO_CODE.code))) await promos.create(tx, DEMO_PROMO_CODE, now);
  });
}

async function idsByName(tx: Sql, table: catalog.NamedTable, names: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const name of names) ids.set(name, (await catalog.idOfNamed(tx, table, name)) ?? (await catalog.createNamed(tx, table, name)));
  return ids;
}

async function ensureUser(tx: Sql, u: { email: string; password: string; name: string }, role: Role, now: Date): Promise<void> {
  const email = u.email.toLowerCase();
  if (await users.emailTaken(tx, email)) return;
  await users.insertUser(tx, { email, name: u.name, passwordHash: await hashPassword(u.password), role }, now);
}
