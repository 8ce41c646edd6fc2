import type { DataSource } from 'typeorm';
import { issueToken } from '../../api/auth.js';
import type { AppDeps } from '../../api/deps.js';
import type { Role } from '../../core/domain.js';
import { parseHallLayout, type HallGrid } from '../../core/hall-layout.js';
import { createMovie } from '../../db/catalog.js';
import * as halls from '../../db/halls.js';
import * as showtimes from '../../db/showtimes.js';

let counter = 0;
const unique = (): string => `${process.pid}-${Date.now().toString(36)}-${++counter}`;

export interface TestUser {
  id: number;
  email: string;
  role: Role;
  token: string;
}

/** A user row plus a real token (password hashing is not what these tests are about). */
/** What creating users needs: a database and what tokens are signed with. */
export type UserDeps = Pick<AppDeps, 'ds' | 'config' | 'clock'>;

export async function createUser(deps: UserDeps, role: Role = 'user'): Promise<TestUser> {
  const email = `u-${unique()}@example.test`;
  const res = await deps.ds.query(
    "INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, 'Test User', 'scrypt$unused', ?, ?)",
    [email, role, new Date()],
  );
  const id = Number(res.insertId);
  return { id, email, role, token: await issueToken({ id, role, tokenVersion: 0 }, deps) };
}

export async function createUsers(deps: UserDeps, n: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => createUser(deps)));
}

export interface ShowtimeFixture {
  showtimeId: number;
  hallId: number;
  movieId: number;
  /** Show seat ids in row-major order. */
  seatIds: number[];
  startsAt: Date;
}

/** A movie, a small hall (or the given layout, or a grid built by hand) and one showtime with materialised seats. */
export async function createShowtime(
  ds: DataSource,
  opts: { layout?: string[]; grid?: HallGrid; startsInMinutes?: number; basePrice?: number } = {},
): Promise<ShowtimeFixture> {
  const grid = opts.grid ?? parseHallLayout(opts.layout ?? ['RRRR.RRRR', 'PPPP.PPPP', 'VVVV.VVVV']);
  if ('problems' in grid) throw new Error(grid.problems.join('; '));
  const now = new Date();
  const startsAt = new Date(now.getTime() + (opts.startsInMinutes ?? 24 * 60) * 60_000);
  return ds.transaction(async (m) => {
    const movieId = await createMovie(
      m,
      {
        title: `Test Movie ${unique()}`,
        synopsis: 'A test.',
        runtimeMin: 100,
        rating: 'PG',
        posterUrl: null,
        releaseDate: '2026-01-01',
        availableFrom: new Date(now.getTime() - 86_400_000),
        availableUntil: new Date(now.getTime() + 90 * 86_400_000),
      },
      now,
    );
    const hallId = await halls.create(m, `Hall ${unique()}`, grid);
    const showtimeId = await showtimes.create(m, {
      movieId,
      hallId,
      startsAt,
      endsAt: showtimes.showtimeEnd(startsAt, 100, 15),
      basePrice: opts.basePrice ?? 1000,
      currency: 'USD',
      createdAt: now,
    });
    const seats: { id: number }[] = await m.query('SELECT id FROM show_seats WHERE showtime_id = ? ORDER BY id', [showtimeId]);
    return { showtimeId, hallId, movieId, seatIds: seats.map((s) => Number(s.id)), startsAt };
  });
}

export async function seatStatuses(ds: DataSource, seatIds: number[]): Promise<{ id: number; status: string; checkout_id: string | null; booking_id: string | null }[]> {
  const rows = await ds.query(
    `SELECT id, status, checkout_id, booking_id FROM show_seats WHERE id IN (${seatIds.map(() => '?').join(',')}) ORDER BY id`,
    seatIds,
  );
  return rows.map((r: { id: number }) => ({ ...r, id: Number(r.id) }));
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
