/** One showtime: its details and its live seat map, where seats are picked. */
import type { Socket } from 'socket.io-client';
import type { SeatChangeSet } from '../../../live/protocol.js';
import { errorText } from '../lib/api.js';
import type { SeatMap, SeatMapSeat } from '../lib/api-types.js';
import { byId } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { dayKey, money, whenText } from '../lib/format.js';
import { connectLive } from '../lib/live-socket.js';
import { watchShowtime } from '../lib/live-seats.js';
import { createSeatMap, renderLegend, type SeatMapView } from '../lib/seat-map.js';
import { closeBasket, holdEnded, renderBasket, restoreOpenCheckout } from './basket.js';
import { api, currentUser } from './session.js';
import { currency, maxSeats, state } from './state.js';
import { closeWaitlist, openWaitlist, renderWaitlist, waitlistNews } from './waitlist.js';

let socket: Socket | null | undefined;

/** The page's socket, opened on the first showtime visited; null without the Socket.IO client. */
function liveSocket(): Socket | null {
  if (socket !== undefined) return socket;
  const status = byId('live-status');
  socket = connectLive((s) => {
    status.dataset.state = s;
    status.textContent = s === 'live' ? 'live' : 'reconnecting…';
  });
  status.hidden = !socket;
  return socket;
}

function seatMap(): SeatMapView {
  state.seatMap ??= createSeatMap({
    hall: byId('hall'),
    currency,
    marks: (seat) => {
      const selected = state.selected.has(seat.id);
      return {
        selected,
        mine: state.mine.has(seat.id),
        conflict: state.conflicts.has(seat.id),
        selectable: seat.status === 'available' && !state.checkout,
      };
    },
    onToggle: toggleSeat,
  });
  return state.seatMap;
}

export function leaveShowtime(): void {
  state.watch?.stop();
  state.watch = null;
  state.showtime = null;
  state.selected.clear();
  state.ticketTypes.clear();
  state.conflicts.clear();
  closeBasket();
  state.seatMap?.clear();
  closeWaitlist();
  renderWaitlist();
}

export async function openShowtime(id: number): Promise<void> {
  if (state.showtime?.id === id && state.watch) return;
  leaveShowtime();
  renderBasket();
  const r = await api.showtime(id);
  if (!r.ok) {
    byId('showtime-title').textContent = 'Showtime not found';
    byId('showtime-meta').textContent = '';
    return notice(errorText(r), 'error');
  }
  const st = r.body;
  state.showtime = st;
  byId('showtime-title').textContent = st.movie.title;
  byId('showtime-meta').textContent = `${whenText(st.startsAt)} · ${st.hall.name} · ${st.movie.rating} · ${st.movie.runtimeMin} min`;
  byId('back-to-movie', HTMLAnchorElement).href = `#/movies/${st.movieId}?date=${dayKey(new Date(st.startsAt))}`;
  byId('showtime-cancelled').hidden = st.status !== 'cancelled';
  document.title = `${st.movie.title} — Marquee`;
  renderBasket();
  void openWaitlist();
  const fetchSnapshot = async (showtimeId: number): Promise<SeatMap> => {
    const s = await api.seatMap(showtimeId);
    if (!s.ok) throw new Error(errorText(s));
    return s.body;
  };
  const live = liveSocket();
  if (!live) {
    // No Socket.IO client (script blocked): still show the map, without live updates.
    drawMap(await fetchSnapshot(id));
    return;
  }
  state.watch = watchShowtime(live, id, {
    fetchSnapshot,
    onSnapshot: (map, why) => {
      if (state.seatMap?.seats().length) refreshAll(map, why);
      else drawMap(map);
      // Waitlist news that came while the socket was away is lost: the entry is read again.
      if (why !== 'join') waitlistNews();
    },
    onChange: applyChanges,
    onError: (error) => notice(`Live seat updates unavailable: ${error.message}`, 'error'),
    onWaitlist: waitlistNews,
  });
  if (currentUser()) void restoreOpenCheckout();
}

function renderCounts(map: SeatMap): void {
  byId('seat-counts').textContent = `${map.counts.available} available · ${map.counts.held} held · ${map.counts.booked} booked`;
  byId('hall').dataset.version = String(map.version);
  renderWaitlist();
}

function drawMap(map: SeatMap): void {
  seatMap().render(map);
  renderLegend(byId('legend'), map.seats, currency());
  renderCounts(map);
}

/** A fresh snapshot of the map on screen (after a reconnect, a gap or a refused hold). */
function refreshAll(map: SeatMap, why: string): void {
  const view = seatMap();
  view.update(map.seats);
  const lost: string[] = [];
  for (const id of [...state.selected]) {
    const seat = view.seat(id);
    if (seat?.status !== 'available' && !state.holding.has(id)) {
      state.selected.delete(id);
      lost.push(seat?.label ?? String(id));
    }
  }
  view.paintAll();
  renderCounts(map);
  if (lost.length) seatsTaken(lost);
  checkMineStillHeld();
  renderBasket();
  if (why === 'reconnect') announce('Reconnected; the seat map is up to date.');
}

/** A live change, already applied by the watcher to the seat objects the map shares. */
function applyChanges(event: SeatChangeSet, map: SeatMap): void {
  const view = seatMap();
  const lost: string[] = [];
  for (const ch of event.changes) {
    const seat = view.seat(ch.seatId);
    if (!seat) continue;
    if (state.selected.has(seat.id) && ch.status !== 'available' && !state.holding.has(seat.id)) {
      state.selected.delete(seat.id);
      lost.push(seat.label);
    }
    if (ch.status === 'available') state.conflicts.delete(seat.id);
    view.paint(seat);
  }
  renderCounts(map);
  if (lost.length) seatsTaken(lost);
  else announceFocusedSeat(event);
  if (state.checkout && event.changes.some((c) => state.mine.has(c.seatId) && c.status === 'available')) {
    holdEnded(event.reason === 'expired' ? 'EXPIRED' : 'CANCELLED');
  }
  renderBasket();
}

/** A seat's name changes with its status, but screen readers do not re-read the focused element: say it. */
function announceFocusedSeat(event: SeatChangeSet): void {
  const active = document.activeElement;
  const id = active instanceof HTMLElement && active.matches('#hall .seat') ? Number(active.dataset.seatId) : null;
  const change = event.changes.find((c) => c.seatId === id);
  const seat = change && seatMap().seat(change.seatId);
  if (seat && !state.mine.has(seat.id) && !state.holding.has(seat.id)) announce(`${seat.label} is now ${seat.status}`);
}

function seatsTaken(labels: string[]): void {
  const text = labels.length === 1 ? `Seat ${labels[0]} was just taken by someone else.` : `Seats ${labels.join(', ')} were just taken by someone else.`;
  notice(`${text} Please pick another.`, 'error');
  announce(text);
}

/** After a resync: if our hold's seats are no longer held, the hold has ended. */
function checkMineStillHeld(): void {
  if (!state.checkout) return;
  const gone = [...state.mine].some((id) => state.seatMap?.seat(id)?.status === 'available');
  if (gone) holdEnded('EXPIRED');
}

function toggleSeat(seat: SeatMapSeat): void {
  const repaint = [seat.id];
  if (state.checkout) {
    notice('Pay for or release your held seats before picking others.', 'info', 4000);
    return;
  }
  if (state.selected.has(seat.id)) {
    state.selected.delete(seat.id);
    state.ticketTypes.delete(seat.id);
    announce(`${seat.label} removed`);
  } else {
    if (seat.status !== 'available') {
      announce(`${seat.label} is ${seat.status}`);
      return;
    }
    if (state.selected.size >= maxSeats()) {
      notice(`You can pick at most ${maxSeats()} seats per booking.`, 'info', 4000);
      return;
    }
    state.selected.add(seat.id);
    // Picking a seat clears the marks of refused ones.
    for (const id of state.conflicts) repaint.push(id);
    state.conflicts.clear();
    announce(`${seat.label} selected, ${money(seat.price, currency())}`);
  }
  const view = seatMap();
  for (const id of repaint) {
    const s = view.seat(id);
    if (s) view.paint(s);
  }
  renderBasket();
}
