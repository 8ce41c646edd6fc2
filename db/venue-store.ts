import type { EntityManager } from 'typeorm';
import { seatPrice } from '../core/domain.js';
import type { HallGrid } from '../core/hall-layout.js';
import { Hall, HallSeat, ShowSeat, Showtime } from './entities/index.js';

/** Writes a hall and its physical seats. Call inside a transaction. */
export async function insertHall(m: EntityManager, name: string, grid: HallGrid): Promise<Hall> {
  const hall = await m.save(Hall, m.create(Hall, { name, rows: grid.rows, cols: grid.cols }));
  await m.insert(
    HallSeat,
    grid.seats.map((s) => ({ ...s, hallId: hall.id })),
  );
  return hall;
}

export interface NewShowtime {
  movieId: number;
  hallId: number;
  startsAt: Date;
  endsAt: Date;
  basePrice: number;
  currency: string;
  createdAt: Date;
}

/**
 * Writes a showtime and materialises one show seat per hall seat, priced by
 * seat type. Call inside a transaction; overlap rules are the caller's.
 */
export async function insertShowtimeWithSeats(m: EntityManager, s: NewShowtime): Promise<Showtime> {
  const showtime = await m.save(Showtime, m.create(Showtime, { ...s, status: 'scheduled', seatVersion: 0 }));
  const hallSeats = await m.find(HallSeat, { where: { hallId: s.hallId }, order: { id: 'ASC' } });
  const rows = hallSeats.map((hs) => ({
    showtimeId: showtime.id,
    hallSeatId: hs.id,
    price: seatPrice(s.basePrice, hs.seatType),
    status: 'available' as const,
  }));
  for (let i = 0; i < rows.length; i += 500) await m.insert(ShowSeat, rows.slice(i, i + 500));
  return showtime;
}

/** A showtime occupies its hall from starts_at to ends_at (runtime + cleaning buffer). */
export const showtimeEnd = (startsAt: Date, runtimeMin: number, cleaningBufferMin: number): Date =>
  new Date(startsAt.getTime() + (runtimeMin + cleaningBufferMin) * 60_000);
