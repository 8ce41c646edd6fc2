import { parseHallLayout } from '../../core/hall-layout.js';
import type { SeatSpot } from '../../core/seating.js';

/** A hall from a layout, with the seats named in `taken` (labels like "A3") not free; ids are 1, 2, … in layout order. */
export function hall(layout: string[], taken = ''): { seats: SeatSpot[]; id: (label: string) => number; label: (id: number) => string; rows: number; cols: number } {
  const grid = parseHallLayout(layout);
  if ('problems' in grid) throw new Error(grid.problems.join('; '));
  const takenLabels = new Set(taken.split(/\s+/).filter(Boolean));
  const seats = grid.seats.map((s, i) => ({ id: i + 1, gridRow: s.gridRow, gridCol: s.gridCol, type: s.seatType, free: !takenLabels.has(`${s.rowLabel}${s.number}`) }));
  const labels = grid.seats.map((s) => `${s.rowLabel}${s.number}`);
  return {
    seats,
    rows: grid.rows,
    cols: grid.cols,
    id: (label) => labels.indexOf(label) + 1,
    label: (id) => labels[id - 1]!,
  };
}
export const ids = (h: ReturnType<typeof hall>, labels: string) => new Set(labels.split(' ').map(h.id));
export const named = (h: ReturnType<typeof hall>, seatIds: number[]) => seatIds.map(h.label).join(' ');
