/** Data tables and pagers of the console's lists. */
import { el } from '../lib/dom.js';

export interface Column<T> {
  head: string;
  cell: (row: T) => Node | string;
  /** Numbers align right. */
  numeric?: boolean;
}

/** Fills `table` with a caption, a header row and one row per item (or one row saying there is nothing). */
export function fillTable<T>(table: HTMLTableElement, caption: string, columns: Column<T>[], rows: T[], empty = 'Nothing found.'): void {
  const th = (c: Column<T>) => el('th', { text: c.head, attrs: { scope: 'col', class: c.numeric ? 'num' : undefined } });
  const td = (c: Column<T>, row: T) => el('td', { attrs: { class: c.numeric ? 'num' : undefined } }, c.cell(row));
  table.replaceChildren(
    el('caption', { class: 'sr-only', text: caption }),
    el('thead', {}, el('tr', {}, ...columns.map(th))),
    el(
      'tbody',
      {},
      ...(rows.length > 0
        ? rows.map((row) => el('tr', {}, ...columns.map((c) => td(c, row))))
        : [el('tr', {}, el('td', { class: 'muted', text: empty, attrs: { colspan: columns.length } }))]),
    ),
  );
}

/** "Previous / 21–40 of 95 / Next" for a page of `total` items; `go` gets the new offset. */
export function fillPager(box: HTMLElement, page: { total: number; limit: number; offset: number }, go: (offset: number) => void): void {
  const { total, limit, offset } = page;
  const button = (text: string, to: number, disabled: boolean) =>
    el('button', { text, attrs: { type: 'button', disabled }, on: { click: () => go(to) } });
  box.replaceChildren(
    button('← Previous', Math.max(0, offset - limit), offset === 0),
    el('span', { class: 'muted', text: total === 0 ? 'none' : `${offset + 1}–${Math.min(total, offset + limit)} of ${total}` }),
    button('Next →', offset + limit, offset + limit >= total),
  );
}
