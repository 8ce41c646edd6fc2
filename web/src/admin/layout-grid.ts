/**
 * The designer's seating grid: one cell per grid position, each a button
 * showing its layout letter in its seat type's colour. Painting: click or
 * drag with the mouse, a finger or a pen; from the keyboard, arrows move
 * (one cell in the tab order), Enter or Space paints with the chosen tool,
 * a layout letter sets the cell to it, Delete makes it an aisle.
 * The letters and what they mean come from the API (GET /admin/hall-layouts/rules).
 */
import { el } from '../lib/dom.js';

export interface GridSymbols {
  aisle: string;
  /** Letter → seat type. */
  seats: Map<string, string>;
  /** How a seat type reads ("wheelchair accessible"). */
  typeText: (seatType: string) => string;
}

export interface LayoutGrid {
  /** Draws `layout` (rows may differ in length: the API will say so). */
  set(layout: string[]): void;
  layout(): string[];
  /** Keeps what fits, fills new cells with `fill`. */
  resize(rows: number, cols: number, fill: string): void;
  setTool(symbol: string): void;
  setReadOnly(readOnly: boolean): void;
}

const MOVES: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };

export function createLayoutGrid(root: HTMLElement, symbols: () => GridSymbols, onChange: (layout: string[]) => void): LayoutGrid {
  let cells: string[][] = [];
  let tool = '';
  let readOnly = false;
  let focus: [number, number] = [0, 0];
  let painting = false;

  const rowLabel = (r: number): string => String.fromCharCode(65 + r);
  const typeOf = (symbol: string): string => {
    const s = symbols();
    if (symbol === s.aisle) return 'aisle';
    return s.seats.get(symbol) ?? 'unknown';
  };
  const describe = (symbol: string): string => {
    const type = typeOf(symbol);
    if (type === 'aisle') return 'aisle';
    if (type === 'unknown') return `unknown letter ${symbol}`;
    return `${symbols().typeText(type)} seat`;
  };
  const button = (r: number, c: number) => root.querySelector<HTMLButtonElement>(`button[data-row="${r}"][data-col="${c}"]`);

  function paintCell(b: HTMLButtonElement, symbol: string, r: number, c: number): void {
    b.dataset.symbol = symbol;
    b.dataset.type = typeOf(symbol);
    b.textContent = symbol === symbols().aisle ? '' : symbol;
    b.setAttribute('aria-label', `Row ${rowLabel(r)}, column ${c + 1}: ${describe(symbol)}`);
  }

  function draw(): void {
    const cols = Math.max(1, ...cells.map((row) => row.length));
    root.replaceChildren();
    root.style.setProperty('--cols', String(cols));
    cells.forEach((row, r) => {
      const label = el('span', { class: 'row-label', text: rowLabel(r), attrs: { 'aria-hidden': 'true' } });
      label.style.gridRow = String(r + 1);
      label.style.gridColumn = '1';
      root.append(label);
      row.forEach((symbol, c) => {
        const b = el('button', { class: 'cell', attrs: { type: 'button', 'data-row': r, 'data-col': c, tabindex: -1, 'aria-disabled': String(readOnly) } });
        // Set through the CSSOM, never as style attributes (a strict CSP allows only this).
        b.style.gridRow = String(r + 1);
        b.style.gridColumn = String(c + 2);
        paintCell(b, symbol, r, c);
        root.append(b);
      });
    });
    const [fr, fc] = focus;
    const target = button(fr, fc) ?? button(0, 0);
    if (target) target.tabIndex = 0;
  }

  function set(r: number, c: number, symbol: string): void {
    if (readOnly || cells[r]?.[c] === undefined || cells[r][c] === symbol) return;
    cells[r][c] = symbol;
    const b = button(r, c);
    if (b) paintCell(b, symbol, r, c);
    onChange(grid.layout());
  }

  function moveFocus(r: number, c: number): void {
    const next = button(r, c);
    if (!next) return;
    button(...focus)?.setAttribute('tabindex', '-1');
    focus = [r, c];
    next.tabIndex = 0;
    next.focus();
  }

  const cellOf = (target: EventTarget | null): [number, number, HTMLButtonElement] | null => {
    const b = target instanceof Element ? target.closest<HTMLButtonElement>('button.cell') : null;
    return b && root.contains(b) ? [Number(b.dataset.row), Number(b.dataset.col), b] : null;
  };

  root.addEventListener('pointerdown', (e) => {
    const hit = cellOf(e.target);
    if (!hit || readOnly) return;
    painting = true;
    set(hit[0], hit[1], tool);
  });
  // Under a finger the pointer stays captured by the first cell: find the cell under it instead.
  root.addEventListener('pointermove', (e) => {
    if (!painting) return;
    const hit = cellOf(document.elementFromPoint(e.clientX, e.clientY));
    if (hit) set(hit[0], hit[1], tool);
  });
  for (const end of ['pointerup', 'pointercancel', 'pointerleave'] as const) root.addEventListener(end, () => (painting = false));
  // A click from the keyboard (Enter or Space on the cell) has no pointer behind it: paint with the tool.
  root.addEventListener('click', (e) => {
    const hit = cellOf(e.target);
    if (hit && e.detail === 0) set(hit[0], hit[1], tool);
  });
  root.addEventListener('keydown', (e) => {
    const hit = cellOf(e.target);
    if (!hit) return;
    const [r, c] = hit;
    const move = MOVES[e.key];
    const letter = e.key.length === 1 ? e.key.toUpperCase() : '';
    if (move) moveFocus(r + move[0], c + move[1]);
    else if (e.key === 'Home' || e.key === 'End') moveFocus(r, e.key === 'Home' ? 0 : (cells[r]?.length ?? 1) - 1);
    else if (e.key === 'Delete' || e.key === 'Backspace') set(r, c, symbols().aisle);
    else if (letter === symbols().aisle || symbols().seats.has(letter)) set(r, c, letter);
    else return;
    e.preventDefault();
  });

  const grid: LayoutGrid = {
    set(layout) {
      cells = layout.map((row) => [...row]);
      focus = [0, 0];
      draw();
    },
    layout: () => cells.map((row) => row.join('')),
    resize(rows, cols, fill) {
      cells = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => cells[r]?.[c] ?? fill));
      draw();
      onChange(grid.layout());
    },
    setTool(symbol) {
      tool = symbol;
    },
    setReadOnly(next) {
      readOnly = next;
      for (const b of root.querySelectorAll('button.cell')) b.setAttribute('aria-disabled', String(next));
    },
  };
  return grid;
}
