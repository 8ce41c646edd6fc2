/**
 * The schedule: a hall's week (week.ts), a form to schedule a showtime, and a
 * panel for the one selected, where it is moved or cancelled. Overlaps are
 * the API's to refuse (409 SHOWTIME_OVERLAP): the refused slot is drawn where
 * it would have gone and the showtime it clashes with is marked.
 * URL: #/schedule?hall=<id>&week=<YYYY-MM-DD of the Monday>.
 */
import { errorText, issuesText, type ApiError, type ApiResult } from '../lib/api.js';
import type { Showtime } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { dayKey, fromLocalInput, fromMoneyInput, money, plural, timeText } from '../lib/format.js';
import { confirmAction } from './dialog.js';
import { admin } from './session.js';
import type { Hall } from './types.js';
import { addLocalDays, bufferMinutes, dayName, mondayOf, renderWeek, type Refused } from './week.js';

const state = {
  halls: [] as Hall[],
  hallId: 0,
  weekStart: mondayOf(new Date()),
  showtimes: [] as Showtime[],
  selectedId: null as number | null,
  refused: null as Refused | null,
};

/** A datetime-local value (local time, minutes) for an instant. */
const localInput = (d: Date): string => `${dayKey(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

function go(params: { hall?: number; week?: Date }): void {
  const hall = params.hall ?? state.hallId;
  const week = dayKey(params.week ?? state.weekStart);
  location.hash = `#/schedule?hall=${hall}&week=${week}`;
}

async function loadWeek(): Promise<void> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  // The API's days are UTC: ask for one more on each side and keep what falls in the local week.
  const r = await admin.showtimes({ hall: state.hallId, from: day(addLocalDays(state.weekStart, -1)), to: day(addLocalDays(state.weekStart, 8)), limit: 100 });
  if (!r.ok) return notice(errorText(r), 'error');
  state.showtimes = r.body.items;
}

function draw(): void {
  const end = addLocalDays(state.weekStart, 6);
  const hall = state.halls.find((h) => h.id === state.hallId);
  byId('week-label').textContent = `${hall?.name ?? ''}: ${dayName(state.weekStart)} – ${dayName(end)}`;
  renderWeek(byId('week-grid'), {
    weekStart: state.weekStart,
    showtimes: state.showtimes,
    selectedId: state.selectedId,
    refused: state.refused,
    onSelect: (s) => {
      state.selectedId = s.id;
      draw();
      const panel = byId('showtime-panel');
      panel.focus({ preventScroll: true });
      panel.scrollIntoView({ block: 'nearest' });
    },
  });
  renderPanel();
}

/** Shows an overlap the API refused where it happened; other refusals go to `errorBox`. */
function refusal(r: { status: number; error: ApiError }, errorBox: HTMLElement): void {
  errorBox.textContent = issuesText(r);
  const details = r.error.details as { conflictingShowtime?: { id: number }; requested?: { startsAt: string; endsAt: string } } | undefined;
  if (r.error.code === 'SHOWTIME_OVERLAP' && details?.conflictingShowtime && details.requested) {
    state.refused = { ...details.requested, conflictId: details.conflictingShowtime.id, message: r.error.message };
    draw();
  }
  announce(r.error.message);
}

function hallOptions(select: HTMLSelectElement, selected: number): void {
  select.replaceChildren(...state.halls.map((h) => el('option', { text: h.name, attrs: { value: h.id, selected: h.id === selected } })));
}

function renderPanel(): void {
  const panel = byId('showtime-panel');
  const s = state.showtimes.find((x) => x.id === state.selectedId);
  panel.hidden = !s;
  if (!s) return panel.replaceChildren();
  const start = new Date(s.startsAt);
  const filmEnds = new Date(start.getTime() + s.movie.runtimeMin * 60_000);
  const fact = (term: string, value: string) => [el('dt', { text: term }), el('dd', { text: value })];
  const error = el('p', { class: 'error', attrs: { role: 'alert', id: 'panel-error' } });
  const startInput = el('input', { attrs: { id: 'move-start', type: 'datetime-local', value: localInput(start), required: true } });
  const hallSelect = el('select', { attrs: { id: 'move-hall' } });
  hallOptions(hallSelect, s.hallId);
  const scheduled = s.status === 'scheduled';
  panel.replaceChildren(
    el('h2', { text: s.movie.title, attrs: { id: 'panel-title' } }),
    el('p', { class: 'muted', text: `${dayName(start)} · ${s.hall.name} · ${s.status}` }),
    el(
      'dl',
      { class: 'facts' },
      ...fact('Film', `${timeText(start)} – ${timeText(filmEnds)} (${s.movie.runtimeMin} min)`),
      ...fact('Cleaning', `${bufferMinutes(s)} min, hall free at ${timeText(new Date(s.endsAt))}`),
      ...fact('Seats', `${s.seats.booked} sold, ${s.seats.held} held, ${s.seats.available} free of ${s.seats.total}`),
      ...fact('Base price', money(s.basePrice, s.currency)),
    ),
    el(
      'p',
      { class: 'row' },
      el('a', { text: 'Its bookings', attrs: { href: `#/bookings?showtime=${s.id}` } }),
      el('a', { text: "Buyers' seat map", attrs: { href: `/#/showtimes/${s.id}` } }),
    ),
    ...(scheduled
      ? [
          el(
            'form',
            { attrs: { id: 'move-form', 'aria-label': 'Move this showtime' }, on: { submit: (e) => void move(e, s, startInput, hallSelect, error) } },
            el('label', { text: 'Starts ' }, startInput),
            el('label', { text: 'Hall ' }, hallSelect),
            el('button', { text: 'Move', attrs: { type: 'submit' } }),
          ),
          error,
          el('button', { class: 'danger', text: 'Cancel showtime…', attrs: { type: 'button', id: 'cancel-showtime' }, on: { click: () => void cancel(s, error) } }),
        ]
      : []),
  );
}

async function afterWrite(r: ApiResult<Showtime>, errorBox: HTMLElement, done: string): Promise<void> {
  if (!r.ok) return refusal(r, errorBox);
  state.refused = null;
  state.selectedId = r.body.id;
  notice(done, 'ok');
  const week = mondayOf(new Date(r.body.startsAt));
  if (r.body.hallId !== state.hallId || week.getTime() !== state.weekStart.getTime()) return go({ hall: r.body.hallId, week });
  await loadWeek();
  draw();
}

async function move(e: SubmitEvent, s: Showtime, start: HTMLInputElement, hall: HTMLSelectElement, error: HTMLElement): Promise<void> {
  e.preventDefault();
  error.textContent = '';
  const startsAt = fromLocalInput(start.value);
  if (!startsAt) return void (error.textContent = 'Give the new start.');
  const r = await admin.moveShowtime(s.id, { startsAt, hallId: Number(hall.value) });
  await afterWrite(r, error, `Moved ${s.movie.title} to ${dayName(new Date(startsAt))} ${timeText(new Date(startsAt))}.`);
}

async function cancel(s: Showtime, error: HTMLElement): Promise<void> {
  const sold = s.seats.booked + s.seats.held > 0;
  let refunds = 0;
  if (sold) {
    const r = await admin.bookings({ showtime: s.id, status: 'CONFIRMED', limit: 1 });
    if (!r.ok) return notice(errorText(r), 'error');
    refunds = r.body.total;
  }
  const when = `${dayName(new Date(s.startsAt))} ${timeText(new Date(s.startsAt))}`;
  const ok = await confirmAction({
    title: `Cancel ${s.movie.title} on ${when}?`,
    body: sold
      ? [
          el('p', { text: `${plural(s.seats.booked, 'seat')} sold in ${plural(refunds, 'booking')}, ${plural(s.seats.held, 'seat')} held in open checkouts.` }),
          el('p', { attrs: { id: 'refund-preview' }, text: `Cancelling starts ${plural(refunds, 'refund')}: every confirmed booking is refunded in full, each by its own workflow, and open checkouts end.` }),
        ]
      : [el('p', { text: 'Nobody has booked it. Buyers will no longer see it. A cancelled showtime cannot be scheduled again.' })],
    confirm: refunds > 0 ? `Cancel and refund ${plural(refunds, 'booking')}` : 'Cancel showtime',
    reason: true,
  });
  if (!ok) return;
  const r = await admin.cancelShowtime(s.id, { reason: ok.reason });
  if (!r.ok) return void (error.textContent = errorText(r));
  notice(`Cancelled ${s.movie.title} on ${when}: ${plural(r.body.bookingsRefunded, 'refund')} started, ${plural(r.body.checkoutsEnded, 'open checkout')} ended.`, 'ok', 0);
  await loadWeek();
  draw();
}

async function create(e: SubmitEvent): Promise<void> {
  e.preventDefault();
  const error = byId('new-showtime-error');
  error.textContent = '';
  const startsAt = fromLocalInput(byId('new-start', HTMLInputElement).value);
  if (!startsAt) return void (error.textContent = 'Give the start.');
  const r = await admin.createShowtime({
    movieId: Number(byId('new-movie', HTMLSelectElement).value),
    hallId: state.hallId,
    startsAt,
    basePrice: fromMoneyInput(byId('new-price', HTMLInputElement).value),
    currency: byId('new-currency', HTMLInputElement).value.trim().toUpperCase(),
  });
  await afterWrite(r, error, r.ok ? `Scheduled ${r.body.movie.title} on ${dayName(new Date(startsAt))} ${timeText(new Date(startsAt))}.` : '');
}

export async function renderSchedule(params: URLSearchParams): Promise<void> {
  const [halls, movies] = await Promise.all([admin.halls({ limit: 100 }), admin.movies({ limit: 100, sort: 'title' })]);
  if (!halls.ok) return notice(errorText(halls), 'error');
  state.halls = halls.body.items;
  if (state.halls.length === 0) return notice('There is no hall yet: design one first.', 'info');
  const wanted = Number(params.get('hall'));
  state.hallId = state.halls.some((h) => h.id === wanted) ? wanted : state.halls[0]!.id;
  const week = params.get('week');
  const nextWeek = week && /^\d{4}-\d{2}-\d{2}$/.test(week) ? mondayOf(new Date(`${week}T12:00:00`)) : mondayOf(new Date());
  if (nextWeek.getTime() !== state.weekStart.getTime()) state.refused = null;
  state.weekStart = nextWeek;
  hallOptions(byId('schedule-hall', HTMLSelectElement), state.hallId);
  if (movies.ok) {
    const select = byId('new-movie', HTMLSelectElement);
    const keep = select.value;
    select.replaceChildren(...movies.body.items.map((m) => el('option', { text: `${m.title} (${m.runtimeMin} min)`, attrs: { value: m.id, selected: String(m.id) === keep } })));
  }
  await loadWeek();
  draw();
}

export function wireSchedule(): void {
  byId('schedule-hall').addEventListener('change', (e) => {
    state.selectedId = null;
    state.refused = null;
    go({ hall: Number((e.target as HTMLSelectElement).value) });
  });
  byId('week-prev').addEventListener('click', () => go({ week: addLocalDays(state.weekStart, -7) }));
  byId('week-next').addEventListener('click', () => go({ week: addLocalDays(state.weekStart, 7) }));
  byId('week-this').addEventListener('click', () => go({ week: mondayOf(new Date()) }));
  byId('new-showtime').addEventListener('submit', (e) => void create(e));
}
