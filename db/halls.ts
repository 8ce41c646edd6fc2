import type { SeatType } from '../core/domain.js';
import { AISLE, LayoutSymbols, type HallGrid } from '../core/hall-layout.js';
import { num, type Sql } from './sql.js';

export interface HallView {
  id: number;
  name: string;
  rows: number;
  cols: number;
  seatCount: number;
  /** The layout as an admin writes it, rebuilt from hall_seats. */
  layout: string[];
}

const SYMBOL_OF = Object.fromEntries(Object.entries(LayoutSymbols).map(([symbol, type]) => [type, symbol])) as Record<
  SeatType,
  string
>;

interface HallRow {
  id: number;
  name: string;
  rows: number;
  cols: number;
}

async function withLayouts(sql: Sql, halls: HallRow[]): Promise<HallView[]> {
  if (halls.length === 0) return [];
  const seats: { hallId: number; gridRow: number; gridCol: number; seatType: SeatType }[] = await sql.query(
    'SELECT hall_id AS hallId, grid_row AS gridRow, grid_col AS gridCol, seat_type AS seatType FROM hall_seats WHERE hall_id IN (?)',
    [halls.map((h) => h.id)],
  );
  const grids = new Map<number, string[][]>(
    halls.map((h) => [h.id, Array.from({ length: h.rows }, () => Array<string>(h.cols).fill(AISLE))]),
  );
  const counts = new Map<number, number>();
  for (const s of seats) {
    const row = grids.get(s.hallId)?.[s.gridRow];
    if (row && s.gridCol < row.length) row[s.gridCol] = SYMBOL_OF[s.seatType] ?? '?';
    counts.set(s.hallId, (counts.get(s.hallId) ?? 0) + 1);
  }
  return halls.map((h) => ({
    ...h,
    seatCount: counts.get(h.id) ?? 0,
    layout: (grids.get(h.id) ?? []).map((r) => r.join('')),
  }));
}

export async function listHalls(sql: Sql, page: { limit: number; offset: number }): Promise<{ items: HallView[]; total: number }> {
  const [rows, [count]]: [HallRow[], { n: number }[]] = await Promise.all([
    sql.query('SELECT id, name, `rows`, cols FROM halls ORDER BY name, id LIMIT ? OFFSET ?', [page.limit, page.offset]),
    sql.query('SELECT COUNT(*) AS n FROM halls'),
  ]);
  return { items: await withLayouts(sql, rows), total: num(count?.n) };
}

export async function getHall(sql: Sql, id: number): Promise<HallView | null> {
  const rows: HallRow[] = await sql.query('SELECT id, name, `rows`, cols FROM halls WHERE id = ?', [id]);
  const [hall] = await withLayouts(sql, rows);
  return hall ?? null;
}

/** Locks halls in id order (two schedule edits of one hall serialise here); returns the ids that exist. */
export async function lock(sql: Sql, hallIds: readonly number[]): Promise<number[]> {
  const ids = [...new Set(hallIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const found: { id: number }[] = await sql.query('SELECT id FROM halls WHERE id IN (?) ORDER BY id FOR UPDATE', [ids]);
  return found.map((f) => Number(f.id));
}

/** A hall and its physical seats. */
export async function create(sql: Sql, name: string, grid: HallGrid): Promise<number> {
  const res: { insertId: number } = await sql.query('INSERT INTO halls (name, `rows`, cols) VALUES (?, ?, ?)', [name, grid.rows, grid.cols]);
  await insertSeats(sql, res.insertId, grid);
  return res.insertId;
}

async function insertSeats(sql: Sql, hallId: number, grid: HallGrid): Promise<void> {
  if (grid.seats.length === 0) return;
  await sql.query('INSERT INTO hall_seats (hall_id, row_label, number, seat_type, grid_row, grid_col) VALUES ?', [
    grid.seats.map((s) => [hallId, s.rowLabel, s.number, s.seatType, s.gridRow, s.gridCol]),
  ]);
}

export async function rename(sql: Sql, id: number, name: string): Promise<void> {
  await sql.query('UPDATE halls SET name = ? WHERE id = ?', [name, id]);
}

/** Replaces the hall's seats by a new layout; the caller removed the show seats that pointed at the old ones. */
export async function relayout(sql: Sql, id: number, grid: HallGrid): Promise<void> {
  await sql.query('DELETE FROM hall_seats WHERE hall_id = ?', [id]);
  await sql.query('UPDATE halls SET `rows` = ?, cols = ? WHERE id = ?', [grid.rows, grid.cols, id]);
  await insertSeats(sql, id, grid);
}

export async function remove(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM halls WHERE id = ?', [id]);
}

/** The hall's id by name (the seed looks halls up by name). */
export async function idByName(sql: Sql, name: string): Promise<number | null> {
  const [row]: { id: number }[] = await sql.query('SELECT id FROM halls WHERE name = ?', [name]);
  return row ? Number(row.id) : null;
}

export interface HallUsage {
  showtimes: number;
  upcomingShowtimes: number;
  bookings: number;
  occupiedSeats: number;
}

/**
 * What customers and the schedule have of a hall, read without locks (the
 * console explains what an edit may do; the edit itself checks again under
 * the hall lock). Occupied seats are held or booked ones, as a layout change
 * counts them.
 */
export async function usage(sql: Sql, hallId: number, now: Date): Promise<HallUsage> {
  type Count = { n: unknown; upcoming?: unknown }[];
  const [[shows], [booked], [occupied]]: [Count, Count, Count] = await Promise.all([
    sql.query("SELECT COUNT(*) AS n, SUM(status = 'scheduled' AND ends_at > ?) AS upcoming FROM showtimes WHERE hall_id = ?", [now, hallId]),
    sql.query('SELECT COUNT(*) AS n FROM bookings b JOIN showtimes st ON st.id = b.showtime_id WHERE st.hall_id = ?', [hallId]),
    sql.query(
      "SELECT COUNT(*) AS n FROM show_seats ss JOIN showtimes st ON st.id = ss.showtime_id WHERE st.hall_id = ? AND ss.status <> 'available'",
      [hallId],
    ),
  ]);
  return { showtimes: num(shows?.n), upcomingShowtimes: num(shows?.upcoming), bookings: num(booked?.n), occupiedSeats: num(occupied?.n) };
}
