/**
 * A hall's week as a time grid, in the browser's time zone: one column per
 * day, one row per 5 minutes. Each showtime is a block from its start to its
 * end (`endsAt`), split into the film and the cleaning buffer after it, so a
 * clash is visible where it happens. A refused slot is drawn as a ghost.
 */
import type { Showtime } from '../lib/api-types.js';
import { el } from '../lib/dom.js';
import { timeText } from '../lib/format.js';

const SLOT_MIN = 5;
const DAY_MS = 86_400_000;
/** The hours shown in an empty week; showtimes set the grid's span otherwise. */
const EMPTY_WEEK_HOURS: [number, number] = [10, 24];

export interface Refused {
  startsAt: string;
  endsAt: string;
  /** The showtime it clashed with. */
  conflictId: number;
  message: string;
}

export interface WeekOptions {
  weekStart: Date;
  showtimes: Showtime[];
  selectedId: number | null;
  refused: Refused | null;
  onSelect: (showtime: Showtime) => void;
}

/** Monday 00:00 (local) of the week holding `d`. */
export function mondayOf(d: Date): Date {
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

export const addLocalDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

export const dayName = (d: Date): string => d.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });

/** Which day of the week (0 = Monday) an instant falls on, and its minute of that day. */
function place(weekStart: Date, iso: string): { day: number; minute: number } {
  const t = new Date(iso);
  const day = Math.floor((new Date(t.getFullYear(), t.getMonth(), t.getDate()).getTime() - weekStart.getTime() + DAY_MS / 2) / DAY_MS);
  return { day, minute: t.getHours() * 60 + t.getMinutes() };
}

const durationMin = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

export const bufferMinutes = (s: Showtime): number => durationMin(s.startsAt, s.endsAt) - s.movie.runtimeMin;

export function renderWeek(root: HTMLElement, o: WeekOptions): void {
  const inWeek = o.showtimes.map((s) => ({ s, at: place(o.weekStart, s.startsAt), length: durationMin(s.startsAt, s.endsAt) })).filter((x) => x.at.day >= 0 && x.at.day < 7);
  const refused = o.refused ? { at: place(o.weekStart, o.refused.startsAt), length: durationMin(o.refused.startsAt, o.refused.endsAt) } : null;
  const spans = [...inWeek, ...(refused && refused.at.day >= 0 && refused.at.day < 7 ? [refused] : [])];
  const first = spans.length ? Math.min(...spans.map((x) => x.at.minute)) : EMPTY_WEEK_HOURS[0] * 60;
  const last = spans.length ? Math.max(...spans.map((x) => x.at.minute + x.length)) : EMPTY_WEEK_HOURS[1] * 60;
  const from = Math.floor(first / 60) * 60;
  const to = Math.ceil(last / 60) * 60;
  const row = (minute: number): number => 2 + Math.floor((minute - from) / SLOT_MIN);
  const span = (minutes: number): number => Math.max(1, Math.round(minutes / SLOT_MIN));
  const at = (node: HTMLElement, column: number, rowStart: number, rows: number): HTMLElement => {
    // Placed through the CSSOM (a strict CSP refuses style attributes).
    node.style.gridColumn = String(column);
    node.style.gridRow = `${rowStart} / span ${rows}`;
    return node;
  };

  root.replaceChildren();
  root.style.setProperty('--slots', String((to - from) / SLOT_MIN));
  for (let d = 0; d < 7; d++) {
    const date = addLocalDays(o.weekStart, d);
    root.append(at(el('div', { class: 'day-head', text: dayName(date), attrs: { 'aria-hidden': 'true' } }), d + 2, 1, 1));
    root.append(at(el('div', { class: 'day-column', attrs: { 'data-day': d } }), d + 2, 2, (to - from) / SLOT_MIN));
  }
  for (let m = from; m < to; m += 60) {
    const hour = timeText(new Date(2000, 0, 1, (m / 60) % 24));
    root.append(at(el('div', { class: 'hour', text: hour, attrs: { 'aria-hidden': 'true' } }), 1, row(m), 60 / SLOT_MIN));
  }
  for (const { s, at: p, length } of inWeek.sort((a, b) => a.at.day - b.at.day || a.at.minute - b.at.minute)) {
    const start = new Date(s.startsAt);
    const filmEnds = new Date(start.getTime() + s.movie.runtimeMin * 60_000);
    const buffer = bufferMinutes(s);
    // The block's text is its accessible name: what it shows, after the day a sighted user reads from the column.
    const film = el(
      'span',
      { class: 'film' },
      el('span', { class: 'sr-only', text: `${dayName(start)}, ` }),
      el('strong', { text: `${timeText(start)}–${timeText(filmEnds)}` }),
      ` ${s.movie.title} `,
      el('span', { class: 'sold', text: `${s.seats.booked}/${s.seats.total} sold` }),
      s.status === 'cancelled' ? el('span', { class: 'tag', text: ' cancelled' }) : '',
    );
    const clean = el('span', { class: 'buffer', text: `cleaning ${buffer} min, free ${timeText(new Date(s.endsAt))}` });
    film.style.flexGrow = String(s.movie.runtimeMin);
    clean.style.flexGrow = String(Math.max(buffer, 1));
    const block = el(
      'button',
      {
        class: 'show',
        attrs: {
          type: 'button',
          'data-showtime-id': s.id,
          'data-status': s.status,
          'data-conflict': String(o.refused?.conflictId === s.id),
          'aria-pressed': String(o.selectedId === s.id),
        },
        on: { click: () => o.onSelect(s) },
      },
      film,
      clean,
    );
    root.append(at(block, p.day + 2, row(p.minute), span(length)));
  }
  if (refused && o.refused && refused.at.day >= 0 && refused.at.day < 7) {
    const ghost = el('div', { class: 'show ghost', attrs: { 'data-refused': 'true' } }, el('span', { class: 'film', text: `Refused: ${o.refused.message}` }));
    root.append(at(ghost, refused.at.day + 2, row(refused.at.minute), span(refused.length)));
  }
}
