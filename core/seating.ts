import type { SeatType } from './domain.js';

/**
 * The seating rules, pure and shared: the API answers early with them, the
 * row-locked hold applies them to what it locked, and the seat-picker page
 * explains them before a request is sent. Nothing here reads a clock or a
 * database; callers say which seats are free.
 *
 * Seats sit side by side when they are in the same grid row at consecutive
 * grid columns: an aisle (a grid position without a seat) breaks a run.
 */

export interface SeatSpot {
  id: number;
  gridRow: number;
  gridCol: number;
  type: SeatType;
  /** Can be had by the asker now: available, a hold that has run out, or the asker's own hold. */
  free: boolean;
}

/** Runs of seats side by side, each ordered left to right; runs ordered front to back, left to right. */
export function runsOf<S extends SeatSpot>(seats: readonly S[]): S[][] {
  const sorted = [...seats].sort((a, b) => a.gridRow - b.gridRow || a.gridCol - b.gridCol);
  const runs: S[][] = [];
  for (const seat of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && last.gridRow === seat.gridRow && last.gridCol === seat.gridCol - 1) run.push(seat);
    else runs.push([seat]);
  }
  return runs;
}

/** Free seats of a run (free unless taken) that are alone: both neighbours taken, or a neighbour taken and the run's end on the other side. */
function lonely(run: readonly SeatSpot[], freeAfter: (s: SeatSpot) => boolean): Set<number> {
  const alone = new Set<number>();
  run.forEach((seat, i) => {
    if (!freeAfter(seat)) return;
    const left = run[i - 1];
    const right = run[i + 1];
    if ((!left || !freeAfter(left)) && (!right || !freeAfter(right)) && run.length > 1) alone.add(seat.id);
  });
  return alone;
}

/** The seats of `run` that taking `taking` would leave alone and that were not alone before. */
function strandedInRun(run: readonly SeatSpot[], taking: ReadonlySet<number>): number[] {
  const before = lonely(run, (s) => s.free);
  const after = lonely(run, (s) => s.free && !taking.has(s.id));
  return [...after].filter((id) => !before.has(id));
}

/** Every contiguous window of `k` seats in the run that `fits` (by default: free seats). */
function freeWindows<S extends SeatSpot>(run: readonly S[], k: number, fits: (s: S) => boolean = (s) => s.free): S[][] {
  const windows: S[][] = [];
  for (let i = 0; i + k <= run.length; i++) {
    const window = run.slice(i, i + k);
    if (window.every(fits)) windows.push(window);
  }
  return windows;
}

/**
 * The single-seat rule: the seats a hold of `taking` would strand, in the runs
 * it touches. A run where every way of seating that many people strands a
 * seat does not count: that request cannot avoid it. Empty when the hold may go.
 */
export function strandedSeats(seats: readonly SeatSpot[], taking: ReadonlySet<number>): number[] {
  const stranded: number[] = [];
  for (const run of runsOf(seats)) {
    const k = run.filter((s) => taking.has(s.id)).length;
    if (k === 0) continue;
    const here = strandedInRun(run, taking);
    if (here.length === 0) continue;
    const avoidable = freeWindows(run, k).some((w) => strandedInRun(run, new Set(w.map((s) => s.id))).length === 0);
    if (avoidable) stranded.push(...here);
  }
  return stranded.sort((a, b) => a - b);
}

/** Whether taking `taking` leaves any seat alone that was not alone before, avoidable or not (best-available never does). */
export const leavesSeatAlone = (seats: readonly SeatSpot[], taking: ReadonlySet<number>): boolean =>
  runsOf(seats).some((run) => run.some((s) => taking.has(s.id)) && strandedInRun(run, taking).length > 0);

/** Companion seats of a request that have no wheelchair space of the same request beside them. */
export function companionsAlone(seats: readonly SeatSpot[], taking: ReadonlySet<number>): number[] {
  const alone: number[] = [];
  for (const run of runsOf(seats)) {
    run.forEach((seat, i) => {
      if (seat.type !== 'companion' || !taking.has(seat.id)) return;
      const beside = [run[i - 1], run[i + 1]].some((n) => n && n.type === 'accessible' && taking.has(n.id));
      if (!beside) alone.push(seat.id);
    });
  }
  return alone.sort((a, b) => a - b);
}

export interface BestAvailableRequest {
  count: number;
  seatType?: SeatType;
  /** Wheelchair spaces, with companion seats beside them. */
  accessible?: boolean;
  /** The seats may be split over adjacent rows, as few as possible, when no row has them side by side. */
  allowSplit?: boolean;
}

export interface HallShape {
  rows: number;
  cols: number;
}

export type BestAvailable = { seatIds: number[] } | { reason: string };

/** Where the best seat is: the centre column, two thirds of the way back. */
export const bestSpot = (hall: HallShape): { row: number; col: number } => ({ row: ((hall.rows - 1) * 2) / 3, col: (hall.cols - 1) / 2 });

/** Accessible and companion seats come last for buyers who did not ask for them. */
const KEPT_FOR_WHEELCHAIRS = 1_000;

interface Block {
  seats: SeatSpot[];
  row: number;
  centre: number;
  score: number;
}

/**
 * The best `count` seats side by side (or, with allowSplit, over the fewest
 * adjacent rows), never stranding a seat: closest to the hall's best spot;
 * for a buyer who did not ask for them, wheelchair spaces and companion seats
 * only when nothing else fits. `companionsOnSale`: the companion seats' hold
 * back has ended (shortly before the show); they sell as regular seats.
 */
export function bestAvailable(seats: readonly SeatSpot[], hall: HallShape, req: BestAvailableRequest, opts: { companionsOnSale: boolean }): BestAvailable {
  const spot = bestSpot(hall);
  const usable = (s: SeatSpot): boolean => {
    if (req.accessible) return s.type === 'accessible' || s.type === 'companion';
    if (s.type === 'companion' && !opts.companionsOnSale) return false;
    return !req.seatType || s.type === req.seatType || (s.type === 'companion' && req.seatType === 'regular');
  };
  const runs = runsOf(seats);

  // Windows of seats this buyer can have; the single-seat rule looks at every free seat, whoever may buy it.
  const blocksOf = (run: SeatSpot[], size: number): Block[] =>
    freeWindows(run, size, (s) => s.free && usable(s))
      .filter((w) => strandedInRun(run, new Set(w.map((s) => s.id))).length === 0)
      .filter((w) => !req.accessible || (w.some((s) => s.type === 'accessible') && companionsAlone(run, new Set(w.map((s) => s.id))).length === 0))
      .map((w) => {
        const row = w[0]!.gridRow;
        const centre = (w[0]!.gridCol + w[w.length - 1]!.gridCol) / 2;
        const kept = req.accessible ? 0 : w.filter((s) => s.type === 'accessible' || s.type === 'companion').length * KEPT_FOR_WHEELCHAIRS;
        return { seats: w, row, centre, score: Math.hypot(row - spot.row, centre - spot.col) + kept };
      });
  const better = (a: Block, b: Block): boolean => a.score < b.score || (a.score === b.score && a.seats[0]!.id < b.seats[0]!.id);
  const best = (blocks: Block[]): Block | undefined => blocks.reduce<Block | undefined>((m, b) => (!m || better(b, m) ? b : m), undefined);

  const whole = best(runs.flatMap((run) => blocksOf(run, req.count)));
  if (whole) return { seatIds: whole.seats.map((s) => s.id) };
  if (!req.allowSplit || req.count < 2) return { reason: noBlockReason(req) };

  // The best block of each size in each grid row.
  const rowsOf = [...new Set(seats.map((s) => s.gridRow))].sort((a, b) => a - b);
  const bestInRow = new Map<number, (Block | undefined)[]>();
  for (const row of rowsOf) {
    const inRow = runs.filter((r) => r[0]!.gridRow === row);
    bestInRow.set(row, Array.from({ length: req.count }, (_, size) => (size === 0 ? undefined : best(inRow.flatMap((run) => blocksOf(run, size))))));
  }
  for (let k = 2; k <= Math.min(req.count, rowsOf.length); k++) {
    let chosen: { blocks: Block[]; score: number } | undefined;
    for (let first = 0; first + k <= rowsOf.length; first++) {
      const window = rowsOf.slice(first, first + k);
      if (window[k - 1]! - window[0]! !== k - 1) continue; // not adjacent rows
      const split = bestSplit(window.map((row) => bestInRow.get(row)!), req.count);
      if (split && (!chosen || split.score < chosen.score)) chosen = split;
    }
    if (chosen) return { seatIds: chosen.blocks.flatMap((b) => b.seats.map((s) => s.id)) };
  }
  return { reason: noBlockReason(req) };
}

/** The cheapest way to seat `count` over these rows with at least one seat in each, keeping the parts above one another. */
function bestSplit(rows: (Block | undefined)[][], count: number): { blocks: Block[]; score: number } | undefined {
  let found: { blocks: Block[]; score: number } | undefined;
  const place = (i: number, left: number, blocks: Block[]): void => {
    if (i === rows.length) {
      if (left !== 0) return;
      const centres = blocks.map((b) => b.centre);
      const drift = Math.max(...centres) - Math.min(...centres);
      const score = blocks.reduce((sum, b) => sum + b.score, 0) + drift;
      if (!found || score < found.score) found = { blocks: [...blocks], score };
      return;
    }
    const rowsLeft = rows.length - i - 1;
    for (let size = 1; size <= left - rowsLeft; size++) {
      const block = rows[i]![size];
      if (block) place(i + 1, left - size, [...blocks, block]);
    }
  };
  place(0, count, []);
  return found;
}

const noBlockReason = (req: BestAvailableRequest): string => {
  const what = req.accessible ? 'wheelchair spaces' : req.seatType ? `${req.seatType} seats` : 'seats';
  return req.allowSplit
    ? `no ${req.count} ${what} free in adjacent rows without leaving a single seat alone`
    : `no ${req.count} ${what} free side by side without leaving a single seat alone`;
};
