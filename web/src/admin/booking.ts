/**
 * One booking as the API knows it (GET /admin/bookings/:id): customer,
 * showtime, seats, payment and its events, refunds, messages, its workflows
 * in the Temporal UI and the admin actions on it. Admins may cancel a
 * confirmed booking with a refund or release an open checkout's seats; both
 * run the same workflows as the customer's requests and appear in the trail
 * here as soon as the API answers.
 */
import { errorText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { money, plural, whenText } from '../lib/format.js';
import { auditColumns } from './audit.js';
import { statusBadge } from './bookings.js';
import { confirmAction } from './dialog.js';
import { admin, may } from './session.js';
import { fillTable } from './table.js';
import type { AdminBookingDetail } from './types.js';

type Detail = AdminBookingDetail;

const section = (title: string, ...content: Node[]): HTMLElement =>
  el('section', { class: 'card detail-section', attrs: { 'aria-label': title } }, el('h2', { text: title }), ...content);

const table = <T>(caption: string, columns: Parameters<typeof fillTable<T>>[2], rows: T[], empty: string, id?: string): HTMLElement => {
  const t = el('table', { class: 'data', attrs: { id } });
  fillTable(t, caption, columns, rows, empty);
  return el('div', { class: 'table-wrap', attrs: { role: 'region', 'aria-label': caption, tabindex: 0 } }, t);
};

const external = (text: string, href: string, id?: string): HTMLAnchorElement =>
  el('a', { text, attrs: { href, id, target: '_blank', rel: 'noopener noreferrer', 'data-external': 'temporal-ui' } });

function facts(b: Detail): HTMLElement {
  const fact = (term: string, ...value: (Node | string)[]) => [el('dt', { text: term }), el('dd', {}, ...value)];
  return el(
    'dl',
    { class: 'facts' },
    ...fact('Status', statusBadge(b.status), b.reason ? ` ${b.reason}` : ''),
    ...fact('Customer', `${b.customer.email} (${b.customer.name}, user ${b.customer.id})`),
    ...fact('Showtime', `${b.movie.title} · ${whenText(b.startsAt)} · ${b.hall.name} · `, el('a', { text: `showtime ${b.showtimeId}`, attrs: { href: `#/bookings?showtime=${b.showtimeId}` } })),
    ...fact('Amount', money(b.amount, b.currency)),
    ...fact('Made', whenText(b.createdAt), ` · last change ${whenText(b.updatedAt)}`),
    ...(b.expiresAt ? fact('Hold ends', whenText(b.expiresAt)) : []),
    ...(b.cancellableUntil ? fact('Customer may cancel until', whenText(b.cancellableUntil)) : []),
  );
}

function actions(b: Detail): HTMLElement {
  const box = el('div', { class: 'row actions' });
  if (b.actions.includes('cancel')) {
    box.append(el('button', { class: 'danger', text: 'Cancel with refund…', attrs: { type: 'button', 'data-action': 'cancel' }, on: { click: () => void cancelBooking(b) } }));
  }
  if (b.actions.includes('release')) {
    box.append(el('button', { class: 'danger', text: 'Release hold…', attrs: { type: 'button', 'data-action': 'release' }, on: { click: () => void release(b) } }));
  }
  if (!may('admin')) box.append(el('p', { class: 'muted', text: 'Read only: admins can cancel a booking with a refund or release a hold.' }));
  return box;
}

function render(b: Detail): void {
  byId('booking-title').textContent = `Booking ${b.checkoutId}`;
  byId('booking-detail').replaceChildren(
    section('Summary', facts(b), actions(b)),
    section(
      'Workflows',
      el('p', {}, external('Open the checkout workflow in the Temporal UI', b.workflowUrl, 'workflow-link')),
      el('ul', {}, ...b.workflows.filter((w) => w.role !== 'checkout').map((w) => el('li', {}, `${w.role}: `, external(w.id, w.url)))),
    ),
    section('Seats', table('Seats', [{ head: 'Seat', cell: (s) => s.label }, { head: 'Type', cell: (s) => s.type }, { head: 'Price', cell: (s) => money(s.price, b.currency), numeric: true }], b.seats, 'No seats.')),
    section(
      'Payment',
      el('p', { text: b.payment ? `${b.payment.provider} intent ${b.payment.intentId}: ${b.paymentState ?? 'state unknown (the provider did not answer)'}` : 'No payment intent yet.' }),
      table('Payment events', [{ head: 'Received', cell: (e) => whenText(e.receivedAt) }, { head: 'Event', cell: (e) => e.type }, { head: 'Id', cell: (e) => e.eventId }], b.paymentEvents, 'No payment event received.'),
    ),
    section(
      'Refunds',
      table(
        'Refunds',
        [
          { head: 'When', cell: (r) => whenText(r.at) },
          { head: 'Kind', cell: (r) => r.kind },
          { head: 'Amount', cell: (r) => money(r.amount, r.currency), numeric: true },
          { head: 'Reason', cell: (r) => r.reason ?? '' },
          { head: 'Workflow', cell: (r) => external(r.workflowId, r.workflowUrl) },
        ],
        b.refunds,
        'No refund.',
        'refunds-table',
      ),
    ),
    section('Messages', table('Messages', [{ head: 'Sent', cell: (m) => whenText(m.createdAt) }, { head: 'Kind', cell: (m) => `${m.kind} (${m.channel})` }, { head: 'Text', cell: (m) => m.body }], b.messages, 'No message sent.')),
    section('Audit trail', table('Admin actions on this booking', auditColumns(), b.audit, 'No admin has acted on this booking.', 'booking-audit')),
  );
}

export async function renderBooking(id: string): Promise<void> {
  byId('booking-detail').replaceChildren();
  const r = await admin.booking(id);
  if (!r.ok) {
    byId('booking-title').textContent = 'Booking not found';
    return notice(errorText(r), 'error');
  }
  render(r.body);
}

async function act(b: Detail, kind: 'cancel' | 'release'): Promise<void> {
  const cancel = kind === 'cancel';
  const ok = await confirmAction({
    title: cancel ? `Refund booking ${b.checkoutId}?` : `Release the seats of ${b.checkoutId}?`,
    body: cancel
      ? [el('p', { text: `${money(b.amount, b.currency)} goes back to ${b.customer.email} and ${plural(b.seats.length, 'seat')} (${b.seats.map((s) => s.label).join(', ')}) become free. The customer's cut-off does not apply to admins.` })]
      : [el('p', { text: `The checkout ends unpaid and ${plural(b.seats.length, 'held seat')} become free at once. If it was paid meanwhile, the money is refunded.` })],
    confirm: cancel ? `Refund ${money(b.amount, b.currency)}` : 'Release seats',
    reason: true,
  });
  if (!ok) return;
  const body = { reason: ok.reason };
  const r = cancel ? await admin.cancelBooking(b.checkoutId, body) : await admin.releaseBooking(b.checkoutId, body);
  if (!r.ok) return notice(errorText(r), 'error');
  render(r.body);
  const done = cancel ? (r.status === 200 ? 'Refunded.' : 'Refund accepted; the workflow is still running.') : r.status === 200 ? 'Seats released.' : 'Release accepted; the workflow is still releasing.';
  notice(done, 'ok');
  announce(done);
  byId('booking-title').focus();
}

const cancelBooking = (b: Detail) => act(b, 'cancel');
const release = (b: Detail) => act(b, 'release');
