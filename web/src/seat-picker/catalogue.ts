/** Films ("Now showing") and one film's showtimes, in date tabs. */
import { errorText } from '../lib/api.js';
import type { Movie, MovieDetail, Showtime } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { dayKey, dayLabel, money, timeText, whenText } from '../lib/format.js';
import { api } from './session.js';

const movieFacts = (mv: Movie | MovieDetail): string =>
  [mv.rating, `${mv.runtimeMin} min`, mv.genres.map((g) => g.name).join(', ')].filter(Boolean).join(' · ');

export async function renderMovies(): Promise<void> {
  const [movies, showtimes] = await Promise.all([api.movies({ limit: 100, sort: 'title' }), api.showtimes({ limit: 100 })]);
  const list = byId('movie-list');
  list.replaceChildren();
  if (!movies.ok) return notice(errorText(movies), 'error');
  const next = new Map<number, Showtime>();
  for (const st of showtimes.ok ? showtimes.body.items : []) if (!next.has(st.movieId)) next.set(st.movieId, st);
  const items = movies.body.items;
  byId('movies-empty').hidden = items.length > 0;
  // Films with an upcoming showtime first.
  items.sort((a, b) => Number(next.has(b.id)) - Number(next.has(a.id)));
  for (const mv of items) {
    const upcoming = next.get(mv.id);
    list.append(
      el(
        'li',
        {},
        el(
          'a',
          { class: 'movie-card card', attrs: { href: `#/movies/${mv.id}`, 'data-movie-id': mv.id } },
          el('span', { class: 'title', text: mv.title }),
          el('span', { class: 'meta', text: movieFacts(mv) }),
          el('span', { class: 'meta', text: upcoming ? `Next: ${whenText(upcoming.startsAt)}` : 'No upcoming showtimes' }),
        ),
      ),
    );
  }
}

const showtimeLink = (st: Showtime): HTMLAnchorElement =>
  el(
    'a',
    { class: 'showtime-btn', attrs: { href: `#/showtimes/${st.id}`, 'data-showtime-id': st.id } },
    el('span', { class: 'time', text: timeText(new Date(st.startsAt)) }),
    el('span', { class: 'meta', text: `${st.hall.name} · from ${money(st.basePrice, st.currency)}` }),
    el('span', { class: 'meta', text: `${st.seats.available} of ${st.seats.total} seats free` }),
  );

/** A film, and its showtimes by local day: one tab per day (arrow keys, Home and End move between tabs). */
export async function renderMovie(movieId: number, wantedDay: string | undefined): Promise<void> {
  const [movie, showtimes] = await Promise.all([api.movie(movieId), api.movieShowtimes(movieId, { limit: 100 })]);
  if (!movie.ok) return notice(errorText(movie), 'error');
  const mv = movie.body;
  byId('movie-title').textContent = mv.title;
  const cast = mv.actors.length ? `With ${mv.actors.slice(0, 3).map((a) => a.name).join(', ')}` : '';
  byId('movie-meta').textContent = [movieFacts(mv), cast].filter(Boolean).join(' · ');
  byId('movie-synopsis').textContent = mv.synopsis;
  const byDay = new Map<string, Showtime[]>();
  for (const st of showtimes.ok ? showtimes.body.items : []) {
    const key = dayKey(new Date(st.startsAt));
    byDay.set(key, [...(byDay.get(key) ?? []), st]);
  }
  const days = [...byDay.keys()].sort();
  const tabs = byId('date-tabs');
  tabs.replaceChildren();
  const panel = byId('showtime-list');
  panel.removeAttribute('aria-labelledby');
  if (days.length === 0) {
    panel.replaceChildren(el('p', { class: 'muted', text: 'No upcoming showtimes for this film.' }));
    return;
  }
  const tabId = (key: string): string => `day-tab-${key}`;
  const selectDay = (key: string, focus = false): void => {
    for (const t of tabs.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
      const on = t.dataset.day === key;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    }
    panel.setAttribute('aria-labelledby', tabId(key));
    panel.replaceChildren(...(byDay.get(key) ?? []).map(showtimeLink));
    history.replaceState(null, '', `#/movies/${movieId}?date=${key}`);
  };
  for (const [i, key] of days.entries()) {
    const onKey = (e: KeyboardEvent): void => {
      const to = { ArrowRight: days[i + 1], ArrowLeft: days[i - 1], Home: days[0], End: days.at(-1) }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      selectDay(to, true);
    };
    tabs.append(
      el('button', {
        text: dayLabel(key),
        attrs: { type: 'button', role: 'tab', id: tabId(key), 'aria-controls': panel.id, 'data-day': key },
        on: { click: () => selectDay(key), keydown: onKey },
      }),
    );
  }
  selectDay(wantedDay !== undefined && days.includes(wantedDay) ? wantedDay : (days[0] as string));
}
