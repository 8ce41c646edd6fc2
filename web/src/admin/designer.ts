/**
 * The hall designer: rows and columns, a palette of the API's layout letters
 * (GET /admin/hall-layouts/rules), the grid and the same layout as text, kept
 * in step. Every change is checked by the API's own parser (POST
 * /admin/hall-layouts/preview): its problems are listed as it words them, and
 * a usable layout is drawn by the buyer's seat-map renderer, priced as a
 * showtime would price it. For an existing hall the API says what it may
 * change (a hall with sold seats keeps its layout).
 */
import { errorText, issuesText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { money, plural } from '../lib/format.js';
import { createSeatMap, renderLegend, seatTypeText, type SeatMapView } from '../lib/seat-map.js';
import { createLayoutGrid, type GridSymbols, type LayoutGrid } from './layout-grid.js';
import { admin } from './session.js';
import type { HallDetail, LayoutRules } from './types.js';

const NEW_HALL = { rows: 5, cols: 8 };
const PREVIEW_DELAY_MS = 200;
/** The preview is priced as a showtime with this base price would be. */
const SAMPLE_PRICE = { basePrice: 1000, currency: 'USD' };

let rules: LayoutRules | null = null;
let hall: HallDetail | null = null;
let grid: LayoutGrid | null = null;
let preview: SeatMapView | null = null;
let previewSeq = 0;
let previewTimer: ReturnType<typeof setTimeout> | undefined;

const typeText = (type: string): string => (seatTypeText as Record<string, string>)[type] ?? type;
const input = (id: string) => byId(id, HTMLInputElement);
const textarea = () => byId('layout-text', HTMLTextAreaElement);
const layoutEditable = (): boolean => !hall || hall.changes.layout.allowed;

function symbols(): GridSymbols {
  const r = rules!;
  return { aisle: r.aisle, seats: new Map(r.symbols.map((s) => [s.symbol, s.seatType])), typeText };
}

/** One radio button per letter the API knows, and the aisle. */
function renderPalette(r: LayoutRules): void {
  const option = (symbol: string, type: string, text: string) =>
    el(
      'label',
      { class: 'swatch-option' },
      el('input', { attrs: { type: 'radio', name: 'tool', value: symbol, 'data-symbol': symbol } }),
      el('span', { class: 'cell swatch', text: symbol === r.aisle ? '' : symbol, attrs: { 'data-type': type, 'aria-hidden': 'true' } }),
      text,
    );
  const palette = byId('palette');
  palette.replaceChildren(
    el('legend', { text: 'Paint with' }),
    ...r.symbols.map((s) => option(s.symbol, s.seatType, `${typeText(s.seatType)} (${s.symbol}, ${s.pricePercent} % of the base price)`)),
    option(r.aisle, 'aisle', `aisle (${r.aisle})`),
  );
  const first = palette.querySelector<HTMLInputElement>('input[name="tool"]');
  if (first) first.checked = true;
  grid?.setTool(first?.value ?? '');
  input('hall-rows').max = String(r.maxRows);
  input('hall-cols').max = String(r.maxCols);
}

/** Lists what the API says it would accept for this hall, and what uses it. */
function renderRules(): void {
  const list = byId('hall-rules');
  list.hidden = !hall;
  if (!hall) return list.replaceChildren();
  const { usage, changes } = hall;
  const line = (what: string, p: { allowed: boolean; reason: string | null }) =>
    el('li', { attrs: { 'data-allowed': String(p.allowed) } }, el('strong', { text: `${what}: ${p.allowed ? 'allowed' : 'refused'}. ` }), p.reason ?? '');
  list.replaceChildren(
    el('li', {
      text: `In use: ${plural(usage.showtimes, 'showtime')} (${usage.upcomingShowtimes} scheduled and not over), ${plural(usage.bookings, 'booking')}, ${plural(usage.occupiedSeats, 'seat')} held or booked.`,
    }),
    line('Rename', changes.rename),
    line('New layout', changes.layout),
    line('Delete', changes.remove),
  );
}

function showProblems(problems: string[]): void {
  const box = byId('layout-problems');
  box.replaceChildren(...(problems.length ? [el('p', { class: 'error', text: 'The API refuses this layout:' }), el('ul', {}, ...problems.map((p) => el('li', { text: p })))] : []));
  box.dataset.valid = String(problems.length === 0);
}

async function refreshPreview(): Promise<void> {
  const seq = ++previewSeq;
  const layout = grid!.layout();
  const r = await admin.previewLayout({ layout, ...SAMPLE_PRICE });
  if (seq !== previewSeq) return;
  if (!r.ok) {
    const problems = r.error.details?.problems;
    showProblems(Array.isArray(problems) ? problems.map(String) : [issuesText(r)]);
    preview?.clear();
    renderLegend(byId('preview-legend'), [], SAMPLE_PRICE.currency);
    byId('preview-summary').textContent = 'No preview until the layout is usable.';
    return;
  }
  showProblems([]);
  const p = r.body;
  preview ??= createSeatMap({ hall: byId('preview-hall'), currency: () => p.currency });
  preview.render({ cols: p.cols, seats: p.seats });
  renderLegend(byId('preview-legend'), p.seats, p.currency);
  const byType = new Map<string, number>();
  for (const s of p.seats) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
  byId('preview-summary').textContent = `${plural(p.seatCount, 'seat')} in ${p.rows} × ${p.cols}: ${[...byType].map(([t, n]) => `${n} ${typeText(t)}`).join(', ')}. Prices as for a base price of ${money(SAMPLE_PRICE.basePrice, SAMPLE_PRICE.currency)}.`;
}

function layoutChanged(layout: string[], fromText = false): void {
  if (!fromText) textarea().value = layout.join('\n');
  input('hall-rows').value = String(layout.length);
  input('hall-cols').value = String(Math.max(0, ...layout.map((row) => row.length)));
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => void refreshPreview(), PREVIEW_DELAY_MS);
}

export async function renderHall(id: number | null): Promise<void> {
  byId('hall-error').textContent = '';
  if (!rules) {
    const r = await admin.layoutRules();
    if (!r.ok) return notice(errorText(r), 'error');
    rules = r.body;
    grid = createLayoutGrid(byId('layout-grid'), symbols, (layout) => layoutChanged(layout));
    renderPalette(rules);
  }
  hall = null;
  let name = '';
  let layout = Array.from({ length: NEW_HALL.rows }, () => rules!.symbols[0]!.symbol.repeat(NEW_HALL.cols));
  if (id !== null) {
    const r = await admin.hall(id);
    if (!r.ok) return notice(errorText(r), 'error');
    hall = r.body;
    name = hall.name;
    layout = hall.layout;
  }
  byId('hall-title').textContent = hall ? `Hall ${hall.name}` : 'New hall';
  input('hall-name').value = name;
  renderRules();
  const editable = layoutEditable();
  grid!.setReadOnly(!editable);
  textarea().readOnly = !editable;
  input('hall-rows').disabled = !editable;
  input('hall-cols').disabled = !editable;
  for (const radio of byId('palette').querySelectorAll<HTMLInputElement>('input')) radio.disabled = !editable;
  grid!.set(layout);
  layoutChanged(layout);
}

async function save(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const error = byId('hall-error');
  error.textContent = '';
  const name = input('hall-name').value.trim();
  const layout = grid!.layout();
  const r = hall
    ? await admin.updateHall(hall.id, layoutEditable() ? { name, layout } : { name })
    : await admin.createHall({ name, layout });
  if (!r.ok) {
    const problems = r.error.details?.problems;
    if (Array.isArray(problems)) showProblems(problems.map(String));
    error.textContent = issuesText(r);
    return;
  }
  notice(hall ? `Hall ${r.body.name} saved.` : `Hall ${r.body.name} created with ${plural(r.body.seatCount, 'seat')}.`, 'ok');
  announce(`Saved ${r.body.name}`);
  if (hall) await renderHall(r.body.id);
  else location.hash = `#/halls/${r.body.id}`;
}

export function wireDesigner(): void {
  byId('hall-form').addEventListener('submit', (ev) => void save(ev));
  byId('palette').addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.name === 'tool') grid?.setTool(e.target.value);
  });
  const resize = () => {
    const rows = Number(input('hall-rows').value);
    const cols = Number(input('hall-cols').value);
    if (!grid || !rules || !Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) return;
    // One past the limit is enough for the API to explain it; a typo of 5000 rows would only freeze the page.
    grid.resize(Math.min(rows, rules.maxRows + 1), Math.min(cols, rules.maxCols + 1), rules.symbols[0]!.symbol);
  };
  input('hall-rows').addEventListener('change', resize);
  input('hall-cols').addEventListener('change', resize);
  textarea().addEventListener('input', () => {
    // As typed: a wrong letter or a stray space is the API's to name.
    const layout = textarea().value.split(/\r?\n/);
    while (layout.length > 1 && layout.at(-1) === '') layout.pop();
    grid?.set(layout);
    layoutChanged(layout, true);
  });
}
