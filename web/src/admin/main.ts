/**
 * The operators' console at /admin. Hash routes:
 *   #/halls · #/halls/new · #/halls/:id · #/schedule[?hall&week] · #/bookings[?search]
 *   #/bookings/:id · #/reports[?from&to] · #/ticket-types · #/promo-codes · #/users · #/audit[?filters]
 * Staff see bookings (read only); everything else is for admins, as the API enforces.
 */
import { issuesText } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { announce } from '../lib/feedback.js';
import { renderAudit, wireAudit } from './audit.js';
import { renderBooking } from './booking.js';
import { renderBookings, wireBookings } from './bookings.js';
import { renderHall, wireDesigner } from './designer.js';
import { renderHalls } from './halls.js';
import { renderPromoCodes, wirePromoCodes } from './promo-codes.js';
import { renderTicketTypes } from './ticket-types.js';
import { renderReports, wireReports } from './reports.js';
import type { Role } from './roles.js';
import { renderSchedule, wireSchedule } from './schedule.js';
import { admin, currentUser, loadUser, may, signIn, signOut, whenSignedOut } from './session.js';
import { renderUsers, wireUsers } from './users.js';

type View = 'signin' | 'denied' | 'halls' | 'hall' | 'schedule' | 'bookings' | 'booking' | 'reports' | 'ticket-types' | 'promo-codes' | 'users' | 'audit';

interface Route {
  view: View;
  needs: Role;
  /** The nav entry it belongs to. */
  nav: string;
  render: (match: RegExpMatchArray, params: URLSearchParams) => Promise<void>;
}

const ROUTES: [RegExp, Route][] = [
  [/^\/halls$/, { view: 'halls', needs: 'admin', nav: 'halls', render: () => renderHalls() }],
  [/^\/halls\/(new|\d+)$/, { view: 'hall', needs: 'admin', nav: 'halls', render: (m) => renderHall(m[1] === 'new' ? null : Number(m[1])) }],
  [/^\/schedule$/, { view: 'schedule', needs: 'admin', nav: 'schedule', render: (_m, p) => renderSchedule(p) }],
  [/^\/bookings$/, { view: 'bookings', needs: 'staff', nav: 'bookings', render: (_m, p) => renderBookings(p) }],
  [/^\/bookings\/(chk_[\w]+)$/, { view: 'booking', needs: 'staff', nav: 'bookings', render: (m) => renderBooking(m[1]!) }],
  [/^\/reports$/, { view: 'reports', needs: 'admin', nav: 'reports', render: (_m, p) => renderReports(p) }],
  [/^\/ticket-types$/, { view: 'ticket-types', needs: 'admin', nav: 'ticket-types', render: () => renderTicketTypes() }],
  [/^\/promo-codes$/, { view: 'promo-codes', needs: 'admin', nav: 'promo-codes', render: () => renderPromoCodes() }],
  [/^\/users$/, { view: 'users', needs: 'admin', nav: 'users', render: (_m, p) => renderUsers(p) }],
  [/^\/audit$/, { view: 'audit', needs: 'admin', nav: 'audit', render: (_m, p) => renderAudit(p) }],
];

const VIEWS: View[] = ['signin', 'denied', 'halls', 'hall', 'schedule', 'bookings', 'booking', 'reports', 'ticket-types', 'promo-codes', 'users', 'audit'];

function show(view: View, nav: string | null): void {
  for (const v of VIEWS) byId(`${v}-view`).hidden = v !== view;
  for (const link of byId('console-nav').querySelectorAll<HTMLAnchorElement>('a[data-nav]')) {
    if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.body.dataset.view = view;
}

/** A new view puts focus on its heading (screen readers say where the user is), unless it placed focus itself. */
function focusView(view: View): void {
  const active = document.activeElement;
  const section = byId(`${view}-view`);
  if (active instanceof HTMLElement && active !== document.body && section.contains(active) && active.tagName !== 'H1') return;
  section.querySelector<HTMLElement>('h1')?.focus();
}

function denied(text: string): void {
  show('denied', null);
  byId('denied-text').textContent = text;
}

async function route(navigated: boolean): Promise<void> {
  const [path = '/', query = ''] = (location.hash.replace(/^#/, '') || '/').split('?');
  const user = currentUser();
  if (!user) {
    show('signin', null);
    if (navigated) byId('signin-email').focus();
    return;
  }
  if (!may('staff')) {
    denied(`${user.email} is a customer account. The console is for cinema staff and admins: sign out and sign in with a staff account.`);
    return focusView('denied');
  }
  const found = ROUTES.find(([pattern]) => pattern.test(path));
  if (!found) {
    location.replace(may('admin') ? '#/schedule' : '#/bookings');
    return;
  }
  const [pattern, r] = found;
  if (!may(r.needs)) {
    denied('This part of the console is for admins. Staff can find and read bookings.');
    return focusView('denied');
  }
  show(r.view, r.nav);
  await r.render(path.match(pattern)!, new URLSearchParams(query));
  if (navigated) focusView(r.view);
}

async function submitSignIn(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const submit = byId('signin-submit', HTMLButtonElement);
  submit.disabled = true;
  const r = await admin.login({ email: byId('signin-email', HTMLInputElement).value.trim(), password: byId('signin-password', HTMLInputElement).value });
  submit.disabled = false;
  if (!r.ok) {
    byId('signin-error').textContent = issuesText(r);
    return;
  }
  byId('signin-password', HTMLInputElement).value = '';
  byId('signin-error').textContent = '';
  signIn(r.body.token, r.body.user);
  announce(`Signed in as ${r.body.user.email}`);
  await route(true);
}

function wire(): void {
  byId('signin-form').addEventListener('submit', (ev) => void submitSignIn(ev));
  byId('signout-btn').addEventListener('click', () => signOut());
  whenSignedOut(() => void route(true));
  wireDesigner();
  wireSchedule();
  wireBookings();
  wireReports();
  wirePromoCodes();
  wireUsers();
  wireAudit();
  window.addEventListener('hashchange', () => void route(true));
}

wire();
await loadUser();
await route(false);
