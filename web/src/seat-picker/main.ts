/**
 * The seat-picker page: films → showtimes (date tabs) → live seat map →
 * hold → pay → confirmation, the waitlist of a sold-out showtime, plus "My bookings". Hash routes:
 *   #/  ·  #/movies/:id[?date=YYYY-MM-DD]  ·  #/showtimes/:id  ·  #/bookings
 */
import { byId } from '../lib/dom.js';
import { placeAuth, wireAuth } from './auth.js';
import { restoreOpenCheckout, wireBasket } from './basket.js';
import { renderBookings } from './bookings.js';
import { renderMovie, renderMovies } from './catalogue.js';
import { loadUser, signOut } from './session.js';
import { leaveShowtime, openShowtime } from './showtime.js';
import { state, type Route } from './state.js';
import { inviteToWaitlist, openWaitlist, wireWaitlist } from './waitlist.js';

const VIEWS: Record<Route, string> = { movies: 'movies-view', movie: 'movie-view', showtime: 'showtime-view', bookings: 'bookings-view' };

function show(route: Route): void {
  state.route = route;
  for (const [r, id] of Object.entries(VIEWS)) byId(id).hidden = r !== route;
}

/**
 * After a navigation, focus goes to the new view's heading, so that screen
 * readers say where the user is and Tab continues from there; unless the view
 * put it somewhere itself (the sign-in form) and it is still on screen.
 */
function focusView(): void {
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && active.checkVisibility()) return;
  byId(VIEWS[state.route]).querySelector<HTMLElement>('h1')?.focus();
}

async function route(navigated: boolean): Promise<void> {
  const hash = location.hash || '#/';
  let m: RegExpMatchArray | null;
  if (!hash.startsWith('#/showtimes/')) leaveShowtime();
  if ((m = hash.match(/^#\/movies\/(\d+)(?:\?date=([\d-]+))?$/))) {
    show('movie');
    await renderMovie(Number(m[1]), m[2]);
  } else if ((m = hash.match(/^#\/showtimes\/(\d+)$/))) {
    show('showtime');
    await openShowtime(Number(m[1]));
  } else if (hash === '#/bookings') {
    show('bookings');
    await renderBookings();
  } else {
    show('movies');
    await renderMovies();
  }
  if (!byId('auth-panel').hidden && state.route !== 'showtime') placeAuth();
  if (navigated) focusView();
}

function wire(): void {
  wireAuth(() => {
    if (state.route !== 'showtime') return;
    void restoreOpenCheckout();
    void openWaitlist();
  });
  wireBasket(inviteToWaitlist);
  wireWaitlist();
  byId('signout-btn').addEventListener('click', () => {
    signOut();
    if (state.route === 'bookings') location.hash = '#/';
    if (state.route === 'showtime') void openWaitlist();
  });
  window.addEventListener('hashchange', () => void route(true));
}

wire();
await loadUser();
await route(false);
