/* global io, fetch, localStorage, location, setTimeout, clearTimeout, setInterval, clearInterval, crypto, history */
/**
 * The seat-picker page: films → showtimes (date tabs) → live seat map →
 * hold → pay → confirmation, plus "My bookings". Plain ES module, no build.
 * The live part (join, versions, resync) is web/live-seats.js.
 */
import { watchShowtime } from './live-seats.js';

const MAX_SEATS = 10;
const TOKEN_KEY = 'marquee.token';
const $ = (id) => document.getElementById(id);

const state = {
  token: localStorage.getItem(TOKEN_KEY),
  user: null,
  /** @type {any} */ socket: null,
  /** @type {any} */ watch: null,
  /** @type {any} */ showtime: null,
  /** @type {Map<number, HTMLButtonElement>} */ seatEls: new Map(),
  /** @type {Map<number, any>} */ seats: new Map(),
  selected: new Set(),
  conflicts: new Set(),
  /** The open checkout of this showtime (hold result), if any. */
  checkout: null,
  mine: new Set(),
  countdownTimer: null,
  afterSignIn: null,
  focusSeatId: null,
  route: '',
};

// ------------------------------------------------------------------ helpers

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

const moneyFormats = new Map();
function money(minor, currency = 'USD') {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  return f.format(minor / 100);
}

const dayKey = (d) => d.toLocaleDateString('en-CA'); // YYYY-MM-DD, local
const timeText = (d) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
function dayLabel(key) {
  const today = dayKey(new Date());
  const tomorrow = dayKey(new Date(Date.now() + 86_400_000));
  if (key === today) return 'Today';
  if (key === tomorrow) return 'Tomorrow';
  return new Date(`${key}T12:00:00`).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
}
const whenText = (iso) => {
  const d = new Date(iso);
  return `${dayLabel(dayKey(d))} ${timeText(d)}`;
};

function announce(text) {
  const a = $('announcer');
  a.textContent = '';
  setTimeout(() => (a.textContent = text), 30);
}

let noticeTimer = null;
function notice(text, kind = 'info', ms = 8000) {
  const n = $('notice');
  clearTimeout(noticeTimer);
  if (!text) {
    n.hidden = true;
    return;
  }
  n.textContent = text;
  n.dataset.kind = kind;
  n.hidden = false;
  if (ms) noticeTimer = setTimeout(() => (n.hidden = true), ms);
}

/** JSON over fetch: `{status, body}`; never throws for an HTTP status. */
async function api(method, path, body, headers = {}) {
  const h = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (state.token) h.authorization = `Bearer ${state.token}`;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { status: 0, body: { error: { code: 'NETWORK', message: 'The server cannot be reached. Check your connection.' } } };
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: { code: 'BAD_RESPONSE', message: text.slice(0, 200) } };
  }
  if (res.status === 401 && state.token && path !== '/auth/login') signOut(false);
  return { status: res.status, body: parsed };
}
const errorText = (r) => r.body?.error?.message ?? `Something went wrong (HTTP ${r.status}).`;

// ------------------------------------------------------------------ account

function setUser(user) {
  state.user = user;
  $('user-label').textContent = user ? user.name || user.email : '';
  $('signin-btn').hidden = !!user;
  $('signout-btn').hidden = !user;
  $('bookings-link').hidden = !user;
  document.body.dataset.signedIn = user ? 'true' : 'false';
}

function signOut(say = true) {
  state.token = null;
  localStorage.removeItem(TOKEN_KEY);
  setUser(null);
  if (say) notice('Signed out.', 'info', 3000);
}

let authMode = 'login';
function setAuthMode(mode) {
  authMode = mode;
  const register = mode === 'register';
  $('auth-title').textContent = register ? 'Create an account' : 'Sign in';
  $('auth-submit').textContent = register ? 'Create account' : 'Sign in';
  $('auth-toggle').textContent = register ? 'Have an account? Sign in' : 'New here? Create an account';
  $('name-field').hidden = !register;
  $('auth-password').autocomplete = register ? 'new-password' : 'current-password';
  $('auth-error').textContent = '';
}

/** Shows the sign-in form inline: inside the basket on the seat map, else at the top of the page. */
function showAuth(then = null, why = '') {
  state.afterSignIn = then;
  const panel = $('auth-panel');
  if (state.route.startsWith('showtime')) $('auth-slot').append(panel);
  else $('main').insertBefore(panel, $('movies-view'));
  panel.hidden = false;
  $('auth-error').textContent = why;
  $('auth-email').focus();
}
function hideAuth() {
  $('auth-panel').hidden = true;
  state.afterSignIn = null;
}

async function submitAuth(ev) {
  ev.preventDefault();
  const email = $('auth-email').value.trim();
  const password = $('auth-password').value;
  const body = authMode === 'register' ? { email, password, name: $('auth-name').value.trim() || email.split('@')[0] } : { email, password };
  $('auth-submit').disabled = true;
  const r = await api('POST', authMode === 'register' ? '/auth/register' : '/auth/login', body);
  $('auth-submit').disabled = false;
  if (r.status !== 200 && r.status !== 201) {
    const issues = r.body?.error?.details?.issues;
    $('auth-error').textContent = issues?.length ? issues.map((i) => i.message).join('; ') : errorText(r);
    return;
  }
  state.token = r.body.token;
  localStorage.setItem(TOKEN_KEY, state.token);
  setUser(r.body.user);
  $('auth-password').value = '';
  const then = state.afterSignIn;
  hideAuth();
  announce(`Signed in as ${r.body.user.email}`);
  if (then) then();
  else if (state.route.startsWith('showtime')) restoreOpenCheckout();
}

async function loadMe() {
  if (!state.token) return setUser(null);
  const r = await api('GET', '/auth/me');
  setUser(r.status === 200 ? r.body.user : null);
}

// ------------------------------------------------------------------ routing

function show(view) {
  for (const id of ['movies-view', 'movie-view', 'showtime-view', 'bookings-view']) $(id).hidden = id !== view;
}

async function route() {
  const hash = location.hash || '#/';
  let m;
  if (!hash.startsWith('#/showtimes/')) leaveShowtime();
  if ((m = hash.match(/^#\/movies\/(\d+)(?:\?date=([\d-]+))?$/))) {
    state.route = 'movie';
    show('movie-view');
    await renderMovie(Number(m[1]), m[2]);
  } else if ((m = hash.match(/^#\/showtimes\/(\d+)$/))) {
    state.route = 'showtime';
    show('showtime-view');
    await openShowtime(Number(m[1]));
  } else if (hash === '#/bookings') {
    state.route = 'bookings';
    show('bookings-view');
    await renderBookings();
  } else {
    state.route = 'movies';
    show('movies-view');
    await renderMovies();
  }
  if (!$('auth-panel').hidden && !state.route.startsWith('showtime')) $('main').insertBefore($('auth-panel'), $('movies-view'));
}

// ------------------------------------------------------------------ films and showtimes

const movieFacts = (mv) => [mv.rating, `${mv.runtimeMin} min`, mv.genres.map((g) => g.name).join(', ')].filter(Boolean).join(' · ');

async function renderMovies() {
  const [movies, showtimes] = await Promise.all([api('GET', '/movies?limit=100&sort=title'), api('GET', '/showtimes?limit=100')]);
  const list = $('movie-list');
  list.replaceChildren();
  if (movies.status !== 200) return notice(errorText(movies), 'error');
  const next = new Map();
  for (const st of showtimes.body?.items ?? []) if (!next.has(st.movieId)) next.set(st.movieId, st);
  const items = movies.body.items;
  $('movies-empty').hidden = items.length > 0;
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
          { class: 'movie-card card', href: `#/movies/${mv.id}`, 'data-movie-id': mv.id },
          el('span', { class: 'title', text: mv.title }),
          el('span', { class: 'meta', text: movieFacts(mv) }),
          el('span', { class: 'meta', text: upcoming ? `Next: ${whenText(upcoming.startsAt)}` : 'No upcoming showtimes' }),
        ),
      ),
    );
  }
}

async function renderMovie(movieId, wantedDay) {
  const [movie, showtimes] = await Promise.all([api('GET', `/movies/${movieId}`), api('GET', `/movies/${movieId}/showtimes?limit=100`)]);
  if (movie.status !== 200) return notice(errorText(movie), 'error');
  const mv = movie.body;
  $('movie-title').textContent = mv.title;
  $('movie-meta').textContent = [movieFacts(mv), mv.actors?.length ? `With ${mv.actors.slice(0, 3).map((a) => a.name).join(', ')}` : ''].filter(Boolean).join(' · ');
  $('movie-synopsis').textContent = mv.synopsis;
  const byDay = new Map();
  for (const st of showtimes.body?.items ?? []) {
    const key = dayKey(new Date(st.startsAt));
    if (!byDay.has(key)) byDay.set(key, []);
    byDay.get(key).push(st);
  }
  const days = [...byDay.keys()].sort();
  const tabs = $('date-tabs');
  tabs.replaceChildren();
  const panel = $('showtime-list');
  const selectDay = (key, focus = false) => {
    for (const t of tabs.children) {
      const on = t.dataset.day === key;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    }
    panel.replaceChildren(
      ...(byDay.get(key) ?? []).map((st) =>
        el(
          'a',
          { class: 'showtime-btn', href: `#/showtimes/${st.id}`, 'data-showtime-id': st.id },
          el('span', { class: 'time', text: timeText(new Date(st.startsAt)) }),
          el('span', { class: 'meta', text: `${st.hall.name} · from ${money(st.basePrice, st.currency)}` }),
          el('span', { class: 'meta', text: `${st.seats.available} of ${st.seats.total} seats free` }),
        ),
      ),
    );
    history.replaceState(null, '', `#/movies/${movieId}?date=${key}`);
  };
  if (days.length === 0) {
    panel.replaceChildren(el('p', { class: 'muted', text: 'No upcoming showtimes for this film.' }));
    return;
  }
  for (const key of days) {
    tabs.append(
      el('button', {
        type: 'button',
        role: 'tab',
        'data-day': key,
        text: dayLabel(key),
        onclick: () => selectDay(key),
        onkeydown: (e) => {
          const i = days.indexOf(key);
          if (e.key === 'ArrowRight' && i < days.length - 1) selectDay(days[i + 1], true);
          else if (e.key === 'ArrowLeft' && i > 0) selectDay(days[i - 1], true);
          else return;
          e.preventDefault();
        },
      }),
    );
  }
  selectDay(days.includes(wantedDay) ? wantedDay : days[0]);
}

// ------------------------------------------------------------------ the live seat map

function ensureSocket() {
  if (state.socket || typeof io !== 'function') return state.socket;
  // WebSocket only: works behind any load balancer without sticky sessions.
  state.socket = io({ transports: ['websocket'], reconnectionDelayMax: 5000 });
  const live = $('live-status');
  live.hidden = false;
  const set = (s, text) => {
    live.dataset.state = s;
    live.textContent = text;
  };
  state.socket.on('connect', () => set('live', 'live'));
  state.socket.on('disconnect', () => set('reconnecting', 'reconnecting…'));
  state.socket.io.on('reconnect_attempt', () => set('reconnecting', 'reconnecting…'));
  return state.socket;
}

function leaveShowtime() {
  state.watch?.stop();
  state.watch = null;
  state.showtime = null;
  state.selected.clear();
  state.conflicts.clear();
  state.checkout = null;
  state.mine.clear();
  clearInterval(state.countdownTimer);
  state.seatEls.clear();
  state.seats.clear();
  $('hall').replaceChildren();
}

async function openShowtime(id) {
  if (state.showtime?.id === id && state.watch) return;
  leaveShowtime();
  renderBasket();
  const r = await api('GET', `/showtimes/${id}`);
  if (r.status !== 200) {
    $('showtime-title').textContent = 'Showtime not found';
    $('showtime-meta').textContent = '';
    return notice(errorText(r), 'error');
  }
  const st = r.body;
  state.showtime = st;
  $('showtime-title').textContent = st.movie.title;
  $('showtime-meta').textContent = `${whenText(st.startsAt)} · ${st.hall.name} · ${st.movie.rating} · ${st.movie.runtimeMin} min`;
  $('back-to-movie').href = `#/movies/${st.movieId}?date=${dayKey(new Date(st.startsAt))}`;
  $('showtime-cancelled').hidden = st.status !== 'cancelled';
  document.title = `${st.movie.title} — Marquee`;
  const socket = ensureSocket();
  const fetchSnapshot = async (showtimeId) => {
    const s = await api('GET', `/showtimes/${showtimeId}/seats`);
    if (s.status !== 200) throw new Error(errorText(s));
    return s.body;
  };
  if (!socket) {
    // No Socket.IO client (script blocked): still show the map, without live updates.
    renderMap(await fetchSnapshot(id));
    return;
  }
  state.watch = watchShowtime(socket, id, {
    fetchSnapshot,
    onSnapshot: (map, why) => {
      if (state.seatEls.size === 0) renderMap(map);
      else refreshAll(map, why);
    },
    onChange: (event) => applyChanges(event),
    onError: (error) => notice(`Live seat updates unavailable: ${error.message}`, 'error'),
  });
  if (state.user) restoreOpenCheckout();
}

const seatTypeText = { regular: 'regular', premium: 'premium', vip: 'VIP', accessible: 'wheelchair accessible' };

function statusText(seat) {
  if (state.mine.has(seat.id)) return 'held for you';
  if (state.selected.has(seat.id)) return 'selected';
  return seat.status;
}

function paintSeat(seat) {
  const b = state.seatEls.get(seat.id);
  if (!b) return;
  const mine = state.mine.has(seat.id);
  const selected = state.selected.has(seat.id);
  b.dataset.status = seat.status;
  b.dataset.mine = String(mine);
  b.dataset.conflict = String(state.conflicts.has(seat.id));
  b.setAttribute('aria-pressed', String(selected));
  const selectable = seat.status === 'available' && !state.checkout;
  b.setAttribute('aria-disabled', String(!selectable && !selected));
  b.setAttribute('aria-label', `Row ${seat.row} seat ${seat.number}, ${seatTypeText[seat.type] ?? seat.type}, ${money(seat.price, state.showtime?.currency)}, ${statusText(seat)}`);
  b.title = `${seat.label} · ${seatTypeText[seat.type] ?? seat.type} · ${money(seat.price, state.showtime?.currency)} · ${statusText(seat)}`;
}

function renderMap(map) {
  const hall = $('hall');
  hall.replaceChildren();
  hall.style.setProperty('--cols', String(map.cols));
  state.seatEls.clear();
  state.seats.clear();
  const rows = new Map();
  for (const seat of map.seats) {
    state.seats.set(seat.id, seat);
    if (!rows.has(seat.gridRow)) rows.set(seat.gridRow, seat.row);
    const b = el('button', {
      type: 'button',
      class: 'seat',
      'data-seat-id': seat.id,
      'data-type': seat.type,
      'data-label': seat.label,
      tabindex: '-1',
      style: `grid-row:${seat.gridRow + 1};grid-column:${seat.gridCol + 2}`,
      text: String(seat.number),
    });
    state.seatEls.set(seat.id, b);
    paintSeat(seat);
    hall.append(b);
  }
  for (const [gridRow, label] of rows) {
    for (const [col, side] of [[1, 'start'], [map.cols + 2, 'end']]) {
      hall.append(el('span', { class: `row-label ${side}`, 'aria-hidden': 'true', style: `grid-row:${gridRow + 1};grid-column:${col}`, text: label }));
    }
  }
  // Roving tabindex: one seat in the tab order, arrows move between seats.
  const first = map.seats.find((s) => s.status === 'available') ?? map.seats[0];
  if (first) setFocusSeat(first.id, false);
  renderLegend(map);
  renderCounts(map);
  hall.dataset.version = String(map.version);
  hall.dataset.ready = 'true';
}

function refreshAll(map, why) {
  for (const seat of map.seats) state.seats.set(seat.id, seat);
  let lost = [];
  for (const id of [...state.selected]) {
    if (state.seats.get(id)?.status !== 'available') {
      state.selected.delete(id);
      lost.push(state.seats.get(id)?.label ?? id);
    }
  }
  for (const seat of map.seats) paintSeat(seat);
  renderCounts(map);
  $('hall').dataset.version = String(map.version);
  if (lost.length) seatsTaken(lost);
  checkMineStillHeld();
  renderBasket();
  if (why === 'reconnect') announce('Reconnected; the seat map is up to date.');
}

function applyChanges(event) {
  const lost = [];
  // The watcher has already applied the event to the seat objects (state.seats shares them).
  for (const ch of event.changes) {
    const seat = state.seats.get(ch.seatId);
    if (!seat) continue;
    if (state.selected.has(seat.id) && ch.status !== 'available') {
      state.selected.delete(seat.id);
      lost.push(seat.label);
    }
    if (ch.status === 'available') state.conflicts.delete(seat.id);
    paintSeat(seat);
  }
  $('hall').dataset.version = String(event.version);
  if (state.watch?.map) renderCounts(state.watch.map);
  if (lost.length) seatsTaken(lost);
  if (state.checkout && event.changes.some((c) => state.mine.has(c.seatId) && c.status === 'available')) {
    holdEnded(event.reason === 'expired' ? 'EXPIRED' : 'CANCELLED');
  }
  renderBasket();
}

function seatsTaken(labels) {
  const text = labels.length === 1 ? `Seat ${labels[0]} was just taken by someone else.` : `Seats ${labels.join(', ')} were just taken by someone else.`;
  notice(`${text} Please pick another.`, 'error');
  announce(text);
}

/** After a resync: if our hold's seats are no longer held, the hold has ended. */
function checkMineStillHeld() {
  if (!state.checkout) return;
  const gone = [...state.mine].some((id) => state.seats.get(id)?.status === 'available');
  if (gone) holdEnded('EXPIRED');
}

function renderLegend(map) {
  const types = [...new Set(map.seats.map((s) => s.type))];
  const priceOf = (t) => map.seats.find((s) => s.type === t)?.price;
  const item = (attrs, text) => el('li', {}, el('span', { class: 'seat swatch', 'aria-hidden': 'true', ...attrs }), text);
  $('legend').replaceChildren(
    ...types.map((t) => item({ 'data-type': t }, `${seatTypeText[t] ?? t} ${money(priceOf(t), state.showtime?.currency)}`)),
    item({ 'data-type': 'regular', 'aria-pressed': 'true' }, 'selected'),
    item({ 'data-type': 'regular', 'data-mine': 'true' }, 'held for you'),
    item({ 'data-status': 'held' }, 'held'),
    item({ 'data-status': 'booked' }, 'booked'),
  );
}

function renderCounts(map) {
  $('seat-counts').textContent = `${map.counts.available} available · ${map.counts.held} held · ${map.counts.booked} booked`;
}

function setFocusSeat(id, focus = true) {
  const prev = state.seatEls.get(state.focusSeatId);
  if (prev) prev.tabIndex = -1;
  const b = state.seatEls.get(id);
  if (!b) return;
  state.focusSeatId = id;
  b.tabIndex = 0;
  if (focus) b.focus();
}

function neighbour(seat, dRow, dCol) {
  let best = null;
  let bestScore = Infinity;
  for (const s of state.seats.values()) {
    const dr = s.gridRow - seat.gridRow;
    const dc = s.gridCol - seat.gridCol;
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

function onHallKey(e) {
  const id = Number(e.target?.dataset?.seatId);
  const seat = state.seats.get(id);
  if (!seat) return;
  const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  const mv = moves[e.key];
  if (mv) {
    e.preventDefault();
    const n = neighbour(seat, mv[0], mv[1]);
    if (n) setFocusSeat(n.id);
  } else if (e.key === 'Home' || e.key === 'End') {
    e.preventDefault();
    const row = [...state.seats.values()].filter((s) => s.gridRow === seat.gridRow).sort((a, b) => a.gridCol - b.gridCol);
    setFocusSeat((e.key === 'Home' ? row[0] : row[row.length - 1]).id);
  }
}

function toggleSeat(id) {
  const seat = state.seats.get(id);
  if (!seat) return;
  setFocusSeat(id, false);
  if (state.checkout) {
    notice('Pay for or release your held seats before picking others.', 'info', 4000);
    return;
  }
  if (state.selected.has(id)) {
    state.selected.delete(id);
    announce(`${seat.label} removed`);
  } else {
    if (seat.status !== 'available') {
      announce(`${seat.label} is ${seat.status}`);
      return;
    }
    if (state.selected.size >= MAX_SEATS) {
      notice(`You can pick at most ${MAX_SEATS} seats per booking.`, 'info', 4000);
      return;
    }
    state.selected.add(id);
    state.conflicts.clear();
    announce(`${seat.label} selected, ${money(seat.price, state.showtime?.currency)}`);
  }
  for (const s of state.seats.values()) if (s.id === id || state.seatEls.get(s.id)?.dataset.conflict === 'true') paintSeat(s);
  renderBasket();
}

// ------------------------------------------------------------------ basket, hold, pay

function renderBasket() {
  const currency = state.showtime?.currency ?? 'USD';
  const selected = [...state.selected].map((id) => state.seats.get(id)).filter(Boolean);
  $('selection-panel').hidden = !!state.checkout || !$('confirmation').hidden;
  $('selection-empty').hidden = selected.length > 0;
  $('selected-list').replaceChildren(
    ...selected.map((s) => el('li', { 'data-seat-id': s.id }, el('span', { text: `${s.label} · ${seatTypeText[s.type] ?? s.type}` }), el('span', { text: money(s.price, currency) }))),
  );
  const total = selected.reduce((n, s) => n + s.price, 0);
  $('total').textContent = selected.length ? money(total, currency) : '—';
  const hold = $('hold-btn');
  hold.disabled = selected.length === 0 || state.showtime?.status === 'cancelled';
  hold.textContent = selected.length ? `Hold ${selected.length} seat${selected.length > 1 ? 's' : ''} · ${money(total, currency)}` : 'Hold seats';
}

async function holdSeats() {
  if (!state.user) {
    showAuth(holdSeats, 'Sign in or create an account to hold these seats.');
    return;
  }
  const seatIds = [...state.selected];
  if (seatIds.length === 0) return;
  $('hold-btn').disabled = true;
  const idem = typeof crypto?.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  const r = await api('POST', '/checkouts', { showtimeId: state.showtime.id, seatIds }, { 'idempotency-key': idem });
  $('hold-btn').disabled = false;
  if (r.status === 201) {
    state.selected.clear();
    startCheckout(r.body);
    notice(`Seats held. Pay before the timer runs out.`, 'ok', 4000);
    return;
  }
  if (r.status === 409 && r.body?.error?.code === 'SEATS_UNAVAILABLE') {
    const taken = r.body.error.details?.seatIds ?? [];
    state.conflicts = new Set(taken);
    for (const id of taken) state.selected.delete(id);
    const labels = taken.map((id) => state.seats.get(id)?.label ?? id);
    notice(`Sorry — ${labels.length > 1 ? `seats ${labels.join(', ')} were` : `seat ${labels[0]} was`} just taken. They're marked in red; pick others.`, 'error');
    for (const id of taken) {
      const seat = state.seats.get(id);
      if (seat) paintSeat(seat);
    }
    // Our map was behind: refetch it (the red marks stay until those seats free up).
    state.watch?.resync('conflict');
    renderBasket();
    return;
  }
  if (r.status === 401) {
    showAuth(holdSeats, 'Your session has ended; sign in again.');
    return;
  }
  notice(errorText(r), 'error');
}

function startCheckout(checkout) {
  state.checkout = checkout;
  state.mine = new Set(checkout.seats.map((s) => s.id));
  for (const seat of state.seats.values()) paintSeat(seat);
  $('held-list').replaceChildren(...checkout.seats.map((s) => el('li', {}, el('span', { text: `${s.label} · ${seatTypeText[s.type] ?? s.type}` }), el('span', { text: money(s.price, checkout.currency) }))));
  $('checkout-total').textContent = money(checkout.amount, checkout.currency);
  $('pay-btn').textContent = `Pay ${money(checkout.amount, checkout.currency)}`;
  $('stripe-note').hidden = checkout.payment?.provider !== 'stripe';
  $('pay-error').textContent = '';
  $('checkout-panel').hidden = false;
  $('confirmation').hidden = true;
  $('countdown').dataset.expiresAt = checkout.expiresAt;
  clearInterval(state.countdownTimer);
  tick();
  state.countdownTimer = setInterval(tick, 250);
  renderBasket();
  $('card').focus();
}

function tick() {
  if (!state.checkout) return;
  const left = Math.max(0, new Date(state.checkout.expiresAt).getTime() - Date.now());
  const s = Math.ceil(left / 1000);
  $('countdown').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  if (left === 0) {
    clearInterval(state.countdownTimer);
    // The server releases the seats at expiry; confirm with it rather than trusting the clock.
    const id = state.checkout.checkoutId;
    setTimeout(async () => {
      if (state.checkout?.checkoutId !== id) return;
      const r = await api('GET', `/checkouts/${id}`);
      if (r.status === 200 && r.body.status !== 'AWAITING_PAYMENT' && r.body.status !== 'HOLDING') holdEnded(r.body.status);
      else if (state.checkout?.checkoutId === id) setTimeout(tick, 1000);
    }, 800);
  }
}

/** Our hold is over without a booking (expired, released, failed). */
function holdEnded(status) {
  if (!state.checkout) return;
  const labels = state.checkout.seats.map((s) => s.label).join(', ');
  clearInterval(state.countdownTimer);
  state.checkout = null;
  state.mine.clear();
  $('checkout-panel').hidden = true;
  for (const seat of state.seats.values()) paintSeat(seat);
  renderBasket();
  const text =
    status === 'EXPIRED'
      ? `Your hold on ${labels} expired and the seats were released. Pick seats again to book.`
      : `Your hold on ${labels} was released.`;
  notice(text, status === 'EXPIRED' ? 'error' : 'info', 0);
  announce(text);
}

async function pay(ev) {
  ev.preventDefault();
  if (!state.checkout) return;
  const card = $('card').value.trim();
  if (!card) {
    $('pay-error').textContent = 'Enter a card number (try 4242 4242 4242 4242).';
    return;
  }
  $('pay-btn').disabled = true;
  $('pay-error').textContent = '';
  const id = state.checkout.checkoutId;
  let r = await api('POST', `/checkouts/${id}/pay`, { card });
  for (let i = 0; r.status === 202 && i < 20; i++) {
    await new Promise((res) => setTimeout(res, 500));
    r = await api('GET', `/checkouts/${id}`);
    if (r.status === 200 && r.body.status === 'AWAITING_PAYMENT') r = { status: 202, body: r.body };
  }
  $('pay-btn').disabled = false;
  if (r.status === 200 && r.body.status === 'CONFIRMED') return confirmed(r.body);
  if (r.status === 402) {
    $('pay-error').textContent = `Your card was declined. Your seats are still held — try another card.`;
    announce('Card declined');
    return;
  }
  if (r.status === 409) {
    const s = await api('GET', `/checkouts/${id}`);
    if (s.status === 200 && s.body.status === 'CONFIRMED') return confirmed(s.body);
    holdEnded(s.body?.status ?? 'EXPIRED');
    return;
  }
  if (r.status === 400) {
    $('pay-error').textContent = 'That does not look like a card number. Use 4242 4242 4242 4242 in this demo.';
    return;
  }
  $('pay-error').textContent = errorText(r);
}

function confirmed(booking) {
  clearInterval(state.countdownTimer);
  const checkout = state.checkout ?? booking;
  state.checkout = null;
  state.mine.clear();
  for (const seat of state.seats.values()) paintSeat(seat); // 'booked' arrives as a live update
  $('checkout-panel').hidden = true;
  const st = state.showtime;
  $('confirmation-text').textContent = `${st ? `${st.movie.title}, ${whenText(st.startsAt)}, ${st.hall.name}` : ''} — seats ${booking.seats.map((s) => s.label).join(', ')}, ${money(booking.amount, booking.currency ?? checkout.currency)} paid.`;
  $('confirmation-ref').textContent = booking.checkoutId;
  $('confirmation').hidden = false;
  $('confirmation').dataset.status = 'CONFIRMED';
  renderBasket();
  $('confirmation').focus();
  notice('Payment received: your booking is confirmed.', 'ok', 5000);
  announce('Booking confirmed');
}

async function releaseHold() {
  if (!state.checkout) return;
  const id = state.checkout.checkoutId;
  $('release-btn').disabled = true;
  const r = await api('POST', `/checkouts/${id}/cancel`, {});
  $('release-btn').disabled = false;
  if (r.status === 200 || r.status === 202) holdEnded('CANCELLED');
  else notice(errorText(r), 'error');
}

/** After a reload or sign-in: an unpaid checkout of this showtime comes back with its countdown. */
async function restoreOpenCheckout() {
  if (!state.user || !state.showtime || state.checkout) return;
  const showtimeId = state.showtime.id;
  const r = await api('GET', '/bookings?status=AWAITING_PAYMENT&limit=20');
  if (r.status !== 200 || state.checkout || state.showtime?.id !== showtimeId) return;
  const open = r.body.items.find((b) => b.showtimeId === showtimeId && b.expiresAt && new Date(b.expiresAt) > new Date());
  if (open) startCheckout(open);
}

// ------------------------------------------------------------------ my bookings

async function renderBookings() {
  const list = $('booking-list');
  if (!state.user) {
    list.replaceChildren();
    $('bookings-empty').hidden = true;
    showAuth(() => renderBookings(), 'Sign in to see your bookings.');
    return;
  }
  const r = await api('GET', '/bookings?limit=50');
  if (r.status !== 200) return notice(errorText(r), 'error');
  const items = r.body.items;
  $('bookings-empty').hidden = items.length > 0;
  list.replaceChildren(
    ...items.map((b) => {
      const actions = el('div', { class: 'row' });
      if (b.status === 'CONFIRMED' && b.cancellableUntil && new Date(b.cancellableUntil) > new Date()) {
        actions.append(el('button', { type: 'button', 'data-action': 'cancel-booking', text: 'Cancel and refund', onclick: () => cancelBooking(b) }));
      } else if (b.status === 'AWAITING_PAYMENT') {
        actions.append(el('a', { href: `#/showtimes/${b.showtimeId}`, text: 'Pay now' }));
        actions.append(el('button', { type: 'button', class: 'link', text: 'Release seats', onclick: () => releaseFromList(b) }));
      }
      return el(
        'li',
        { class: 'card booking', 'data-booking-id': b.checkoutId, 'data-status': b.status },
        el('div', { class: 'head' }, el('strong', { text: b.movie.title }), el('span', { class: 'badge', 'data-status': b.status, text: b.status.replace('_', ' ').toLowerCase() })),
        el('span', { class: 'muted', text: `${whenText(b.startsAt)} · ${b.hall.name}` }),
        el('span', { text: `Seats ${b.seats.map((s) => s.label).join(', ')} · ${money(b.amount, b.currency)}` }),
        el('span', { class: 'muted', text: `Ref ${b.checkoutId}` }),
        actions,
      );
    }),
  );
}

async function cancelBooking(b) {
  const r = await api('POST', `/bookings/${b.checkoutId}/cancel`, {});
  if (r.status === 200 || r.status === 202) {
    notice(r.status === 200 ? `Booking cancelled; ${money(b.amount, b.currency)} refunded.` : 'Cancellation accepted; the refund is on its way.', 'ok');
  } else {
    notice(errorText(r), 'error');
  }
  await renderBookings();
}

async function releaseFromList(b) {
  const r = await api('POST', `/checkouts/${b.checkoutId}/cancel`, {});
  if (r.status !== 200 && r.status !== 202) notice(errorText(r), 'error');
  await renderBookings();
}

// ------------------------------------------------------------------ start

function wire() {
  $('signin-btn').addEventListener('click', () => showAuth(null));
  $('signout-btn').addEventListener('click', () => {
    signOut();
    if (state.route === 'bookings') location.hash = '#/';
  });
  $('auth-form').addEventListener('submit', submitAuth);
  $('auth-toggle').addEventListener('click', () => setAuthMode(authMode === 'login' ? 'register' : 'login'));
  $('auth-close').addEventListener('click', hideAuth);
  const hall = $('hall');
  hall.addEventListener('click', (e) => {
    const b = e.target.closest?.('button.seat');
    if (b) toggleSeat(Number(b.dataset.seatId));
  });
  hall.addEventListener('keydown', onHallKey);
  $('hold-btn').addEventListener('click', holdSeats);
  $('pay-form').addEventListener('submit', pay);
  $('release-btn').addEventListener('click', releaseHold);
  $('book-more').addEventListener('click', () => {
    $('confirmation').hidden = true;
    renderBasket();
  });
  window.addEventListener('hashchange', () => void route());
}

wire();
setAuthMode('login');
await loadMe();
await route();
