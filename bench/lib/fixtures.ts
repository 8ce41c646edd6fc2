import type { DataSource } from 'typeorm';
import { systemClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { HallGrid } from '../../core/hall-layout.js';
import { createShowtime, createUsers, type TestUser } from '../../test/support/fixtures.js';

/**
 * What the benchmarks book: showtimes and users made with the test fixtures
 * in the measured stack's database, never the seed data.
 */

/** 26 rows of 40: the largest hall the admin API accepts in rows, 1,040 seats. */
export const BIG_HALL = Array.from({ length: 26 }, () => 'R'.repeat(40));
const BIG_HALL_SEATS = 26 * 40;

export interface Seat {
  showtimeId: number;
  seatId: number;
}

/** `count` seats handed out once each, from as many fresh 1,040-seat showtimes as that needs. */
export interface SeatPool {
  size: number;
  showtimeIds: number[];
  next(): Seat | undefined;
  left(): number;
}

export async function seatPool(ds: DataSource, count: number): Promise<SeatPool> {
  const shows = await Promise.all(Array.from({ length: Math.ceil(count / BIG_HALL_SEATS) }, () => createShowtime(ds, { layout: BIG_HALL })));
  const seats = shows.flatMap((s) => s.seatIds.map((seatId) => ({ showtimeId: s.showtimeId, seatId }))).slice(0, count);
  let cursor = 0;
  return {
    size: seats.length,
    showtimeIds: shows.map((s) => s.showtimeId),
    next: () => seats[cursor++],
    left: () => Math.max(0, seats.length - cursor),
  };
}

export const buyers = (ds: DataSource, config: Config, n: number): Promise<TestUser[]> => createUsers({ ds, config, clock: systemClock }, n);

/** Row labels past Z as on large halls' signs: A … Z, AA, AB, … */
const rowLabel = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : rowLabel(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));

/**
 * A rows × cols grid of regular seats, built directly: the admin API caps halls
 * at 26 × 60 (core/hall-layout.ts), so a 3,000-seat hall exists only as a
 * benchmark fixture.
 */
export function hallGrid(rows: number, cols: number): HallGrid {
  const seats = Array.from({ length: rows * cols }, (_, k) => {
    const r = Math.floor(k / cols);
    const c = k % cols;
    return { rowLabel: rowLabel(r), number: c + 1, seatType: 'regular' as const, gridRow: r, gridCol: c };
  });
  return { rows, cols, seats };
}
