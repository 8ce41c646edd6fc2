/**
 * Finding bookings: by the customer's email, part of the checkout id, the
 * showtime, the status and the day it was made (GET /admin/bookings). The
 * search lives in the URL (#/bookings?email=…), so a result can be shared and
 * the back button returns to it.
 */
import { errorText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { money, whenText } from '../lib/format.js';
import type { Search } from './api.js';
import { bookingStatuses, statusText } from './roles.js';
import { admin } from './session.js';
import { fillPager, fillTable } from './table.js';
import { fillFields, pageHash, searchOf, submitToHash } from './url-search.js';
import type { AdminBooking, AdminBookingQuery } from './types.js';

const PAGE = 25;
const FIELDS = ['email', 'checkout', 'showtime', 'status', 'from', 'to'] as const;

export const statusBadge = (status: AdminBooking['status']): HTMLElement =>
  el('span', { class: 'badge', text: statusText[status], attrs: { 'data-status': status } });

function buildForm(form: HTMLFormElement): void {
  const field = (label: string, control: HTMLElement) => el('label', { class: 'inline' }, `${label} `, control);
  form.replaceChildren(
    field('Customer email', el('input', { attrs: { name: 'email', type: 'search', autocomplete: 'off', maxlength: 254 } })),
    field('Checkout id', el('input', { attrs: { name: 'checkout', type: 'search', autocomplete: 'off', maxlength: 40, placeholder: 'chk_… or its end' } })),
    field('Showtime id', el('input', { attrs: { name: 'showtime', inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off' } })),
    field(
      'Status',
      el('select', { attrs: { name: 'status' } }, el('option', { text: 'any', attrs: { value: '' } }), ...bookingStatuses().map((s) => el('option', { text: statusText[s], attrs: { value: s } }))),
    ),
    field('Made from', el('input', { attrs: { name: 'from', type: 'date' } })),
    field('to', el('input', { attrs: { name: 'to', type: 'date' } })),
    el('button', { class: 'primary', text: 'Search', attrs: { type: 'submit' } }),
  );
}

export async function renderBookings(params: URLSearchParams): Promise<void> {
  fillFields(byId('booking-search', HTMLFormElement), FIELDS, params);
  const query: Search<AdminBookingQuery> = searchOf(FIELDS, params);
  const offset = Number(params.get('offset')) || 0;
  const r = await admin.bookings({ ...query, limit: PAGE, offset });
  if (!r.ok) return notice(errorText(r), 'error');
  const { items, total } = r.body;
  byId('bookings-summary').textContent = total === 0 ? 'No booking matches.' : `${total} booking${total === 1 ? '' : 's'} found, newest first.`;
  fillTable<AdminBooking>(
    byId('bookings-table', HTMLTableElement),
    'Bookings found',
    [
      { head: 'Booking', cell: (b) => el('a', { text: b.checkoutId, attrs: { href: `#/bookings/${b.checkoutId}`, 'data-booking-id': b.checkoutId } }) },
      { head: 'Customer', cell: (b) => b.customer.email },
      { head: 'Showtime', cell: (b) => `${b.movie.title} · ${whenText(b.startsAt)} · ${b.hall.name}` },
      { head: 'Seats', cell: (b) => b.seats.map((s) => s.label).join(', ') },
      { head: 'Amount', cell: (b) => money(b.amount, b.currency), numeric: true },
      { head: 'Status', cell: (b) => statusBadge(b.status) },
      { head: 'Made', cell: (b) => whenText(b.createdAt) },
    ],
    items,
  );
  fillPager(byId('bookings-pages'), { total, limit: PAGE, offset }, (next) => (location.hash = pageHash('#/bookings', searchOf(FIELDS, params), next)));
}

export function wireBookings(): void {
  const form = byId('booking-search', HTMLFormElement);
  buildForm(form);
  submitToHash(form, FIELDS, '#/bookings');
}
