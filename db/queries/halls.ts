import type { SeatType } from '../../core/domain.js';
import { AISLE, LayoutSymbols } from '../../core/hall-layout.js';
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
