/**
 * Reports as pictures, each with its numbers and a CSV download of exactly
 * the rows the API answers (GET /admin/reports/<name>?format=csv): occupancy
 * as a heat map of days × halls and per showtime, revenue per day with
 * refunds, top films, and sales by seat type.
 * URL: #/reports?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days). Without them the
 * console shows the two weeks before today and the two after: a cinema sells
 * ahead, so the coming showtimes matter as much as the past ones.
 */
import { errorText } from '../lib/api.js';
import { byId, el, saveFile } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { money, whenText } from '../lib/format.js';
import { seatTypeText } from '../lib/seat-map.js';
import { queryString, type ReportName } from './api.js';
import { bars, heatMap, revenueLines } from './charts.js';
import { admin } from './session.js';
import { fillTable, type Column } from './table.js';

type Query = Record<string, string | undefined>;

const DEFAULT_DAYS = { before: 13, after: 14 };
const utcDay = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Every UTC day from `from` to `to`, inclusive. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

async function download(name: ReportName, query: Query, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const r = await admin.reportCsv(name, query);
  button.disabled = false;
  if (!r.ok) return notice(errorText(r), 'error');
  saveFile(r.body.blob, r.body.filename);
  announce(`Downloaded ${r.body.filename}`);
}

/** A report's card: title, what it shows, the chart, the CSV button and the numbers. */
function card<T>(o: { id: string; title: string; note: string; csv: ReportName; query: Query; columns: Column<T>[]; rows: T[]; chart?: (canvas: HTMLCanvasElement) => void }): HTMLElement {
  const table = el('table', { class: 'data', attrs: { id: `${o.id}-table` } });
  fillTable(table, o.title, o.columns, o.rows, 'Nothing in this range.');
  const canvas = o.chart && o.rows.length > 0 ? el('canvas', { attrs: { id: `${o.id}-chart` } }) : null;
  const button = el('button', { text: 'Download CSV', attrs: { type: 'button', 'data-csv': o.id } });
  button.addEventListener('click', () => void download(o.csv, o.query, button));
  const section = el(
    'section',
    { class: 'card report', attrs: { 'aria-labelledby': `${o.id}-title`, 'data-report': o.id } },
    el('div', { class: 'view-head' }, el('h2', { text: o.title, attrs: { id: `${o.id}-title` } }), button),
    el('p', { class: 'hint', text: o.note }),
    canvas ? el('div', { class: 'chart-box' }, canvas) : o.chart ? el('p', { class: 'muted', text: 'Nothing to draw in this range.' }) : '',
    el('details', {}, el('summary', { text: 'The numbers' }), el('div', { class: 'table-wrap', attrs: { role: 'region', 'aria-label': o.title, tabindex: 0 } }, table)),
  );
  // Drawn once in the page: Chart.js measures its box.
  if (canvas && o.chart) queueMicrotask(() => o.chart!(canvas));
  return section;
}

export async function renderReports(params: URLSearchParams): Promise<void> {
  const range: Query = { from: params.get('from') || utcDay(-DEFAULT_DAYS.before), to: params.get('to') || utcDay(DEFAULT_DAYS.after) };
  const [byDay, occupancy, revenue, popular, sales] = await Promise.all([
    admin.report('occupancy-by-day', range),
    admin.report('occupancy', { ...range, limit: '1000' }),
    admin.report('revenue', range),
    admin.report('popular', { ...range, limit: '10' }),
    admin.report('sales', { ...range, by: 'seat-type' }),
  ]);
  if (!byDay.ok || !occupancy.ok || !revenue.ok || !popular.ok || !sales.ok) {
    const failed = [byDay, occupancy, revenue, popular, sales].find((r) => !r.ok);
    return notice(failed && !failed.ok ? errorText(failed) : 'The reports could not be loaded.', 'error');
  }
  const { from, to } = byDay.body;
  byId('report-from', HTMLInputElement).value = from;
  byId('report-to', HTMLInputElement).value = to;
  const days = daysBetween(from, to);
  const rangeQuery = { from, to };
  const halls = [...new Set(byDay.body.items.map((c) => c.hall.name))];
  const cards: HTMLElement[] = [
    card({
      id: 'occupancy-by-day',
      title: 'Occupancy by day and hall',
      note: 'Share of seats sold of the scheduled showtimes of each hall on each day: dark blue is empty, amber is sold out.',
      csv: 'occupancy-by-day',
      query: rangeQuery,
      rows: byDay.body.items,
      columns: [
        { head: 'Day', cell: (r) => r.day },
        { head: 'Hall', cell: (r) => r.hall.name },
        { head: 'Showtimes', cell: (r) => String(r.showtimes), numeric: true },
        { head: 'Seats', cell: (r) => String(r.seats), numeric: true },
        { head: 'Sold', cell: (r) => String(r.booked), numeric: true },
        { head: 'Held', cell: (r) => String(r.held), numeric: true },
        { head: 'Sold %', cell: (r) => `${r.occupancyPct} %`, numeric: true },
      ],
      chart: (c) =>
        heatMap(c, `Heat map of seats sold per day and hall, ${from} to ${to}; the numbers are in the table below.`, days, halls, byDay.body.items.map((r) => ({ day: r.day, hall: r.hall.name, pct: r.occupancyPct, showtimes: r.showtimes }))),
    }),
  ];
  for (const currency of revenue.body.totals.map((t) => t.currency)) {
    const rows = revenue.body.byDay.filter((r) => r.currency === currency);
    const of = new Map(rows.map((r) => [r.day, r]));
    const fmt = (minor: number) => money(minor, currency);
    cards.push(
      card({
        id: `revenue-${currency}`,
        title: `Revenue per day (${currency})`,
        note: "Confirmed bookings by their showtime's day; refunded bookings apart.",
        csv: 'revenue',
        query: { ...rangeQuery, rows: 'byDay' },
        rows,
        columns: [
          { head: 'Day', cell: (r) => r.day },
          { head: 'Bookings', cell: (r) => String(r.bookings), numeric: true },
          { head: 'Seats', cell: (r) => String(r.seats), numeric: true },
          { head: 'Revenue', cell: (r) => fmt(r.revenue), numeric: true },
          { head: 'Refunded', cell: (r) => `${fmt(r.refundedAmount)} (${r.refundedBookings})`, numeric: true },
        ],
        chart: (c) =>
          revenueLines(c, `Revenue and refunds per day in ${currency}, ${from} to ${to}`, days, days.map((d) => of.get(d)?.revenue ?? 0), days.map((d) => of.get(d)?.refundedAmount ?? 0), fmt),
      }),
    );
  }
  cards.push(
    card({
      id: 'popular',
      title: 'Top films',
      note: 'By seats of confirmed bookings.',
      csv: 'popular',
      query: { ...rangeQuery, limit: '10' },
      rows: popular.body.items,
      columns: [
        { head: '#', cell: (r) => String(r.rank), numeric: true },
        { head: 'Film', cell: (r) => r.title },
        { head: 'Seats', cell: (r) => String(r.seatsBooked), numeric: true },
        { head: 'Bookings', cell: (r) => String(r.bookings), numeric: true },
        { head: 'Showtimes', cell: (r) => String(r.showtimes), numeric: true },
      ],
      chart: (c) => bars(c, `Top films by seats sold, ${from} to ${to}`, popular.body.items.map((r) => r.title), [{ label: 'Seats sold', data: popular.body.items.map((r) => r.seatsBooked) }], true),
    }),
    card({
      id: 'sales-seat-type',
      title: 'Sales by seat type',
      note: 'Seats of confirmed bookings and their prices; refunded seats apart.',
      csv: 'sales',
      query: { ...rangeQuery, by: 'seat-type' },
      rows: sales.body.items,
      columns: [
        { head: 'Seat type', cell: (r) => (seatTypeText as Record<string, string>)[r.key] ?? r.key },
        { head: 'Currency', cell: (r) => r.currency },
        { head: 'Seats', cell: (r) => String(r.seats), numeric: true },
        { head: 'Revenue', cell: (r) => money(r.revenue, r.currency), numeric: true },
        { head: 'Refunded seats', cell: (r) => String(r.refundedSeats), numeric: true },
      ],
      chart: (c) => {
        const keys = [...new Set(sales.body.items.map((r) => r.key))];
        const sum = (k: string, f: 'seats' | 'refundedSeats') => sales.body.items.filter((r) => r.key === k).reduce((n, r) => n + r[f], 0);
        bars(c, `Seats sold and refunded by seat type, ${from} to ${to}`, keys.map((k) => (seatTypeText as Record<string, string>)[k] ?? k), [
          { label: 'Seats sold', data: keys.map((k) => sum(k, 'seats')) },
          { label: 'Seats refunded', data: keys.map((k) => sum(k, 'refundedSeats')) },
        ]);
      },
    }),
    card({
      id: 'occupancy',
      title: 'Occupancy per showtime',
      note: 'Every scheduled showtime in the range, soonest first.',
      csv: 'occupancy',
      query: { ...rangeQuery, limit: '1000' },
      rows: occupancy.body.items,
      columns: [
        { head: 'Starts', cell: (r) => whenText(String(r.startsAt)) },
        { head: 'Film', cell: (r) => r.movie.title },
        { head: 'Hall', cell: (r) => r.hall.name },
        { head: 'Seats', cell: (r) => String(r.total), numeric: true },
        { head: 'Sold', cell: (r) => String(r.booked), numeric: true },
        { head: 'Sold %', cell: (r) => `${r.occupancyPct} %`, numeric: true },
      ],
    }),
  );
  byId('reports').replaceChildren(...cards);
}

export function wireReports(): void {
  byId('report-range').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = byId('report-from', HTMLInputElement).value;
    const to = byId('report-to', HTMLInputElement).value;
    location.hash = `#/reports${queryString({ from: from || undefined, to: to || undefined })}`;
  });
}
