/**
 * Draws a hall's seats to scale as a grid of toggle buttons and keeps each
 * one's look and accessible name ("Row C seat 5, premium, $13.00, available")
 * in step with its status. Keyboard: one seat is in the tab order (roving
 * tabindex), arrows move between seats, Home/End go to the ends of a row,
 * Enter or Space toggles. Styles: seat-map.css. Knows nothing of checkouts:
 * the page says how each seat is marked (selected, held for this user, ...)
 * and what a toggle does.
 */
import type { SeatType } from '../../../core/domain.js';
import type { SeatMapSeat } from './api-types.js';
import { el } from './dom.js';
import { money } from './format.js';

/** What the page adds to a seat's live status. */
export interface SeatMarks {
  /** Picked by this user, not yet held (aria-pressed). */
  selected: boolean;
  /** Held for this user's open checkout. */
  mine: boolean;
  /** Just refused to this user (taken before the map knew). */
  conflict: boolean;
  /** Can be picked now. */
  selectable: boolean;
}

export const seatTypeText: Record<SeatType, string> = {
  regular: 'regular',
  premium: 'premium',
  vip: 'VIP',
  accessible: 'wheelchair space',
  companion: 'companion seat beside a wheelchair space',
};

/** What a seat's status reads as to this user. */
export function seatStatusText(seat: SeatMapSeat, marks: SeatMarks): string {
  if (marks.mine) return 'held for you';
  if (marks.selected) return 'selected';
  return seat.status;
}

/** "Row C seat 5, premium, $13.00, available": everything a sighted user sees on the seat and around it. */
export const seatName = (seat: SeatMapSeat, marks: SeatMarks, currency: string): string =>
  `Row ${seat.row} seat ${seat.number}, ${seatTypeText[seat.type]}, ${money(seat.price, currency)}, ${seatStatusText(seat, marks)}`;

export interface SeatMapOptions {
  /** The element the seats are drawn in (a role="group" with an accessible name). */
  hall: HTMLElement;
  currency: () => string;
  /** The page's marks on a seat; none by default. */
  marks?: (seat: SeatMapSeat) => SeatMarks;
  /** A seat was clicked or toggled from the keyboard. */
  onToggle?: (seat: SeatMapSeat) => void;
}

export interface SeatMapView {
  /** Draws `map`'s seats (and row labels), replacing whatever was drawn. */
  render(map: { cols: number; seats: SeatMapSeat[] }): void;
  /** Takes the seat objects of a newer snapshot of the same hall (paint them after). */
  update(seats: SeatMapSeat[]): void;
  seat(id: number): SeatMapSeat | undefined;
  seats(): SeatMapSeat[];
  paint(seat: SeatMapSeat): void;
  paintAll(): void;
  /** Makes `id` the seat in the tab order; moves focus there unless `focus` is false. */
  focusSeat(id: number, focus?: boolean): void;
  /** Moves focus to the seat in the tab order. */
  focus(): void;
  clear(): void;
}

const NO_MARKS: SeatMarks = { selected: false, mine: false, conflict: false, selectable: true };

const MOVES: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };

export function createSeatMap(opts: SeatMapOptions): SeatMapView {
  const { hall } = opts;
  const marks = opts.marks ?? (() => NO_MARKS);
  const buttons = new Map<number, HTMLButtonElement>();
  const seats = new Map<number, SeatMapSeat>();
  let focusId: number | null = null;

  function paint(seat: SeatMapSeat): void {
    const b = buttons.get(seat.id);
    if (!b) return;
    const m = marks(seat);
    b.dataset.status = seat.status;
    b.dataset.mine = String(m.mine);
    b.dataset.conflict = String(m.conflict);
    b.setAttribute('aria-pressed', String(m.selected));
    b.setAttribute('aria-disabled', String(!m.selectable && !m.selected));
    b.setAttribute('aria-label', seatName(seat, m, opts.currency()));
    b.title = `${seat.label} · ${seatTypeText[seat.type]} · ${money(seat.price, opts.currency())} · ${seatStatusText(seat, m)}`;
  }

  function focusSeat(id: number, focus = true): void {
    const b = buttons.get(id);
    if (!b) return;
    if (focusId !== null) {
      const prev = buttons.get(focusId);
      if (prev) prev.tabIndex = -1;
    }
    focusId = id;
    b.tabIndex = 0;
    if (focus) b.focus();
  }

  /** The nearest seat in a direction: same row for left/right; the nearest row, then column, for up/down. */
  function neighbour(from: SeatMapSeat, dRow: number, dCol: number): SeatMapSeat | null {
    let best: SeatMapSeat | null = null;
    let bestScore = Infinity;
    for (const s of seats.values()) {
      const dr = s.gridRow - from.gridRow;
      const dc = s.gridCol - from.gridCol;
      if (dRow !== 0 && Math.sign(dr) !== dRow) continue;
      if (dCol !== 0 && (dr !== 0 || Math.sign(dc) !== dCol)) continue;
      const score = dRow !== 0 ? Math.abs(dr) * 1000 + Math.abs(dc) : Math.abs(dc);
      if (score < bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  const seatOf = (target: EventTarget | null): SeatMapSeat | undefined => {
    const b = target instanceof Element ? target.closest<HTMLElement>('button.seat') : null;
    return b ? seats.get(Number(b.dataset.seatId)) : undefined;
  };

  hall.addEventListener('click', (e) => {
    const seat = seatOf(e.target);
    if (!seat) return;
    focusSeat(seat.id, false);
    opts.onToggle?.(seat);
  });

  hall.addEventListener('keydown', (e) => {
    const seat = seatOf(e.target);
    if (!seat) return;
    const move = MOVES[e.key];
    let next: SeatMapSeat | null | undefined;
    if (move) {
      next = neighbour(seat, move[0], move[1]);
    } else if (e.key === 'Home' || e.key === 'End') {
      const row = [...seats.values()].filter((s) => s.gridRow === seat.gridRow).sort((a, b) => a.gridCol - b.gridCol);
      next = e.key === 'Home' ? row[0] : row.at(-1);
    } else {
      return;
    }
    e.preventDefault();
    if (next) focusSeat(next.id);
  });

  function clear(): void {
    hall.replaceChildren();
    buttons.clear();
    seats.clear();
    focusId = null;
    delete hall.dataset.ready;
  }

  return {
    render(map) {
      clear();
      // Set through the CSSOM, never as style attributes: a strict Content-Security-Policy allows only this.
      hall.style.setProperty('--cols', String(map.cols));
      const rowLabels = new Map<number, string>();
      for (const seat of map.seats) {
        seats.set(seat.id, seat);
        if (!rowLabels.has(seat.gridRow)) rowLabels.set(seat.gridRow, seat.row);
        const b = el('button', {
          class: 'seat',
          text: String(seat.number),
          attrs: { type: 'button', 'data-seat-id': seat.id, 'data-type': seat.type, 'data-label': seat.label, tabindex: -1 },
        });
        // Column 1 holds the row labels, so the hall's grid column c is CSS column c + 2.
        b.style.gridRow = String(seat.gridRow + 1);
        b.style.gridColumn = String(seat.gridCol + 2);
        buttons.set(seat.id, b);
        paint(seat);
        hall.append(b);
      }
      for (const [gridRow, label] of rowLabels) {
        for (const [column, side] of [
          [1, 'start'],
          [map.cols + 2, 'end'],
        ] as const) {
          const l = el('span', { class: `row-label ${side}`, text: label, attrs: { 'aria-hidden': 'true' } });
          l.style.gridRow = String(gridRow + 1);
          l.style.gridColumn = String(column);
          hall.append(l);
        }
      }
      const first = map.seats.find((s) => s.status === 'available') ?? map.seats[0];
      if (first) focusSeat(first.id, false);
      hall.dataset.ready = 'true';
    },
    update(next) {
      for (const seat of next) seats.set(seat.id, seat);
    },
    seat: (id) => seats.get(id),
    seats: () => [...seats.values()],
    paint,
    paintAll() {
      for (const seat of seats.values()) paint(seat);
    },
    focusSeat,
    focus() {
      if (focusId !== null) focusSeat(focusId);
    },
    clear,
  };
}

/** The legend of the seat types in `seats` (with their price) and of the statuses a seat can show. */
export function renderLegend(legend: HTMLElement, seats: SeatMapSeat[], currency: string): void {
  const types = [...new Set(seats.map((s) => s.type))];
  const priceOf = (t: SeatType): number => seats.find((s) => s.type === t)?.price ?? 0;
  const item = (attrs: Record<string, string>, text: string) =>
    el('li', {}, el('span', { class: 'seat swatch', attrs: { 'aria-hidden': 'true', ...attrs } }), text);
  legend.replaceChildren(
    ...types.map((t) => item({ 'data-type': t }, `${seatTypeText[t]} ${money(priceOf(t), currency)}`)),
    item({ 'data-type': 'regular', 'aria-pressed': 'true' }, 'selected'),
    item({ 'data-type': 'regular', 'data-mine': 'true' }, 'held for you'),
    item({ 'data-status': 'held' }, 'held'),
    item({ 'data-status': 'booked' }, 'booked'),
  );
}
