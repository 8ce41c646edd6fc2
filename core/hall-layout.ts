import type { SeatType } from './domain.js';

/**
 * A hall layout as admins write it: one string per row, front row first, one
 * character per grid column. `.` is an aisle (no seat); the letters give the
 * seat type. Row labels run A, B, … from the front; seat numbers count the
 * seats of a row from the left, skipping aisles.
 */
export const LayoutSymbols: Record<string, SeatType> = {
  R: 'regular',
  P: 'premium',
  V: 'vip',
  A: 'accessible',
  C: 'companion',
};
export const AISLE = '.';

export interface LaidOutSeat {
  rowLabel: string;
  number: number;
  seatType: SeatType;
  gridRow: number;
  gridCol: number;
}

export interface HallGrid {
  rows: number;
  cols: number;
  seats: LaidOutSeat[];
}

export const MAX_HALL_ROWS = 26;
export const MAX_HALL_COLS = 60;

export const rowLabel = (index: number): string => String.fromCharCode(65 + index);

/** Returns the grid, or a list of human-readable problems when the layout is unusable. */
export function parseHallLayout(layout: readonly string[]): HallGrid | { problems: string[] } {
  const problems: string[] = [];
  if (layout.length === 0) problems.push('layout needs at least one row');
  if (layout.length > MAX_HALL_ROWS) problems.push(`layout has ${layout.length} rows; at most ${MAX_HALL_ROWS}`);
  const cols = Math.max(0, ...layout.map((r) => r.length));
  if (cols > MAX_HALL_COLS) problems.push(`layout is ${cols} columns wide; at most ${MAX_HALL_COLS}`);
  const seats: LaidOutSeat[] = [];
  layout.forEach((row, r) => {
    if (row.length !== cols) problems.push(`row ${rowLabel(r)} has ${row.length} columns; every row needs ${cols}`);
    let number = 0;
    [...row].forEach((ch, c) => {
      if (ch === AISLE) return;
      const seatType = LayoutSymbols[ch];
      if (!seatType) {
        problems.push(`row ${rowLabel(r)} column ${c + 1}: unknown symbol "${ch}" (use ${Object.keys(LayoutSymbols).join(', ')} or ${AISLE})`);
        return;
      }
      number += 1;
      seats.push({ rowLabel: rowLabel(r), number, seatType, gridRow: r, gridCol: c });
    });
  });
  if (layout.length > 0 && seats.length === 0) problems.push('layout has no seats');
  return problems.length > 0 ? { problems } : { rows: layout.length, cols, seats };
}

export const seatLabel = (row: string, number: number): string => `${row}${number}`;
