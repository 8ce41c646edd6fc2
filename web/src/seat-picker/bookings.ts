/** "My bookings": the signed-in user's checkouts, their tickets, and cancel/refund and pay/release actions. */
import { errorText } from '../lib/api.js';
import type { TicketedBooking as Booking } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { money, whenText } from '../lib/format.js';
import { showAuth } from './auth.js';
import { renderMyWaitlist } from './my-waitlist.js';
import { api, currentUser } from './session.js';
import { ticketsSection } from './tickets.js';

function actions(b: Booking): HTMLDivElement {
  const row = el('div', { class: 'row' });
  if (b.status === 'CONFIRMED' && b.cancellableUntil && new Date(b.cancellableUntil) > new Date()) {
    row.append(el('button', { text: 'Cancel and refund', attrs: { type: 'button', 'data-action': 'cancel-booking' }, on: { click: () => void cancelBooking(b) } }));
  } else if (b.status === 'AWAITING_PAYMENT') {
    row.append(el('a', { text: 'Pay now', attrs: { href: `#/showtimes/${b.showtimeId}` } }));
    row.append(el('button', { class: 'link', text: 'Release seats', attrs: { type: 'button' }, on: { click: () => void releaseFromList(b) } }));
  }
  return row;
}

/** Each seat with its ticket type and price, the promo code's discount, and the total. */
function priceLines(b: Booking): HTMLElement[] {
  const lines = el(
    'ul',
    { class: 'lines', attrs: { 'aria-label': `Tickets of booking ${b.checkoutId}` } },
    ...b.lines.map((l) =>
      el('li', { attrs: { 'data-seat-id': l.seatId, 'data-ticket-type': l.ticketType } }, el('span', { text: `${l.label} · ${l.ticketTypeName}` }), el('span', { text: money(l.price, b.currency) })),
    ),
  );
  const discount = b.discount
    ? el('p', { class: 'lines-discount', text: `Promo code ${b.discount.code}: −${money(b.discount.amount, b.currency)}`, attrs: { 'data-promo-code': b.discount.code } })
    : null;
  return [lines, ...(discount ? [discount] : []), el('strong', { class: 'lines-total', text: `Total ${money(b.amount, b.currency)}` })];
}

const bookingItem = (b: Booking): HTMLLIElement =>
  el(
    'li',
    { class: 'card booking', attrs: { 'data-booking-id': b.checkoutId, 'data-status': b.status } },
    el(
      'div',
      { class: 'head' },
      el('strong', { text: b.movie.title }),
      el('span', { class: 'badge', text: b.status.replace('_', ' ').toLowerCase(), attrs: { 'data-status': b.status } }),
    ),
    el('span', { class: 'muted', text: `${whenText(b.startsAt)} · ${b.hall.name}` }),
    ...priceLines(b),
    el('span', { class: 'muted', text: `Ref ${b.checkoutId}` }),
    ticketsSection(b),
    actions(b),
  );

export async function renderBookings(): Promise<void> {
  const list = byId('booking-list');
  if (!currentUser()) {
    list.replaceChildren();
    byId('bookings-empty').hidden = true;
    byId('my-waitlist').hidden = true;
    showAuth(() => void renderBookings(), 'Sign in to see your bookings.');
    return;
  }
  const r = await api.bookings({ limit: 50 });
  if (!r.ok) return notice(errorText(r), 'error');
  byId('bookings-empty').hidden = r.body.items.length > 0;
  list.replaceChildren(...r.body.items.map(bookingItem));
  // Not awaited: the view (and the focus on its heading) is ready with the bookings; the entries follow.
  void renderMyWaitlist();
}

async function cancelBooking(b: Booking): Promise<void> {
  const r = await api.cancelBooking(b.checkoutId);
  if (r.ok) {
    notice(r.status === 200 ? `Booking cancelled; ${money(b.amount, b.currency)} refunded.` : 'Cancellation accepted; the refund is on its way.', 'ok');
  } else {
    notice(errorText(r), 'error');
  }
  await renderBookings();
}

async function releaseFromList(b: Booking): Promise<void> {
  const r = await api.cancelCheckout(b.checkoutId);
  if (!r.ok) notice(errorText(r), 'error');
  await renderBookings();
}
