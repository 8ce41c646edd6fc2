/** The basket beside the seat map: picked seats → hold → pay (with the hold's countdown) → confirmation. */
import type { BookingStatus } from '../../../core/domain.js';
import { errorText } from '../lib/api.js';
import type { Checkout, SeatMapSeat } from '../lib/api-types.js';
import { byId } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { money, plural, whenText } from '../lib/format.js';
import { showAuth } from './auth.js';
import { clearPromoError, pickedLine, priceOf, promoAsk, promoRefused, renderHeldLines, ticketTypesAsk } from './pricing.js';
import { idempotencyKey, renderBestSeats, selectionProblem, wireBestSeats } from './seating.js';
import { api, currentUser } from './session.js';
import { currency, state } from './state.js';

let countdownTimer: ReturnType<typeof setInterval> | undefined;
/** The countdown is not read out (aria-live off: it changes every second), so the last minute is announced once. */
let lastMinuteAnnounced = false;

export const stopCountdown = (): void => clearInterval(countdownTimer);

/** Told when a checkout shown here ends (confirmed, expired, released): the waitlist re-reads an offer that did. */
const closedListeners: ((checkoutId: string) => void)[] = [];
export const onCheckoutClosed = (listener: (checkoutId: string) => void): void => void closedListeners.push(listener);
const closed = (checkoutId: string): void => closedListeners.forEach((listener) => listener(checkoutId));

/** The picked seats' lines, drawn again; a ticket-type choice that had the focus keeps it. */
function renderPicked(selected: SeatMapSeat[]): void {
  const list = byId('selected-list');
  const active = document.activeElement;
  const focused = active instanceof HTMLSelectElement && list.contains(active) ? active.dataset.seatId : undefined;
  list.replaceChildren(...selected.map((s) => pickedLine(s, renderTotals)));
  if (focused) list.querySelector<HTMLSelectElement>(`select[data-seat-id="${focused}"]`)?.focus();
}

/** The picked seats' total at their ticket types, on the page and on the Hold button. */
function renderTotals(): void {
  const cur = currency();
  const selected = [...state.selected].flatMap((id) => state.seatMap?.seat(id) ?? []);
  const total = selected.reduce((n, s) => n + priceOf(s), 0);
  byId('total').textContent = selected.length ? money(total, cur) : '—';
  byId('hold-btn').textContent = selected.length ? `Hold ${plural(selected.length, 'seat')} · ${money(total, cur)}` : 'Hold seats';
}

export function renderBasket(): void {
  const selected = [...state.selected].flatMap((id) => state.seatMap?.seat(id) ?? []);
  byId('selection-panel').hidden = !!state.checkout || !byId('confirmation').hidden;
  byId('selection-empty').hidden = selected.length > 0;
  renderPicked(selected);
  renderTotals();
  const problem = selectionProblem();
  const rule = byId('selection-rule');
  if (rule.textContent !== (problem ?? '')) rule.textContent = problem ?? '';
  rule.hidden = !problem;
  const hold = byId('hold-btn', HTMLButtonElement);
  hold.disabled = selected.length === 0 || state.showtime?.status === 'cancelled' || !!problem;
  if (problem) hold.setAttribute('aria-describedby', 'selection-rule');
  else hold.removeAttribute('aria-describedby');
  renderBestSeats();
}

async function holdSeats(): Promise<void> {
  if (!currentUser()) {
    showAuth(() => void holdSeats(), 'Sign in or create an account to hold these seats.');
    return;
  }
  const seatIds = [...state.selected];
  const showtime = state.showtime;
  if (seatIds.length === 0 || !showtime) return;
  const hold = byId('hold-btn', HTMLButtonElement);
  hold.disabled = true;
  state.holding = new Set(seatIds);
  clearPromoError();
  const ticketTypes = ticketTypesAsk(seatIds);
  const promoCode = promoAsk();
  const r = await api.createCheckout({ showtimeId: showtime.id, seatIds, ...(ticketTypes ? { ticketTypes } : {}), ...(promoCode ? { promoCode } : {}) }, idempotencyKey());
  state.holding.clear();
  hold.disabled = false;
  if (r.ok) {
    state.selected.clear();
    state.ticketTypes.clear();
    startCheckout(r.body, isFree(r.body) ? 'Seats held. Confirm your free booking before the timer runs out.' : 'Seats held. Pay before the timer runs out.');
    return;
  }
  if (promoRefused(r.error)) return;
  if (r.status === 409 && r.error.code === 'SEATS_UNAVAILABLE') {
    const taken = Array.isArray(r.error.details?.seatIds) ? (r.error.details.seatIds as number[]) : [];
    state.conflicts = new Set(taken);
    for (const id of taken) state.selected.delete(id);
    const labels = taken.map((id) => state.seatMap?.seat(id)?.label ?? String(id));
    const which = labels.length > 1 ? `seats ${labels.join(', ')} were` : `seat ${labels[0]} was`;
    notice(`Sorry — ${which} just taken. They're marked in red; pick others.`, 'error');
    for (const id of taken) {
      const seat = state.seatMap?.seat(id);
      if (seat) state.seatMap?.paint(seat);
    }
    // Our map was behind: refetch it (the red marks stay until those seats free up).
    state.watch?.resync('conflict');
    renderBasket();
    return;
  }
  if (r.status === 401) {
    showAuth(() => void holdSeats(), 'Your session has ended; sign in again.');
    return;
  }
  notice(errorText(r), 'error');
}

/**
 * Shows a hold to pay: the card form with the countdown. Focus goes to the
 * card field unless `focus` is false (a hold the buyer did not just ask for,
 * such as a waitlist offer arriving while they are elsewhere on the page).
 */
export function startCheckout(checkout: Checkout, message?: string, focus = true): void {
  state.checkout = checkout;
  extended = false;
  byId('extend-btn').hidden = true;
  state.mine = new Set(checkout.seats.map((s) => s.id));
  state.seatMap?.paintAll();
  byId('promo-code', HTMLInputElement).value = '';
  clearPromoError();
  renderHeldLines(checkout);
  byId('checkout-total').textContent = money(checkout.amount, checkout.currency);
  const free = isFree(checkout);
  byId('checkout-title').textContent = free ? 'Confirm your seats' : 'Pay for your seats';
  byId('pay-btn').textContent = free ? 'Confirm free booking' : `Pay ${money(checkout.amount, checkout.currency)}`;
  byId('card-fields').hidden = free;
  byId('free-note').hidden = !free;
  byId('stripe-note').hidden = checkout.payment?.provider !== 'stripe';
  byId('pay-error').textContent = '';
  byId('checkout-panel').hidden = false;
  byId('confirmation').hidden = true;
  byId('countdown').dataset.expiresAt = checkout.expiresAt ?? '';
  stopCountdown();
  lastMinuteAnnounced = !checkout.expiresAt || new Date(checkout.expiresAt).getTime() - Date.now() <= 60_000;
  tick();
  countdownTimer = setInterval(tick, 250);
  renderBasket();
  if (focus) payFocus(checkout).focus();
  if (message) {
    notice(message, 'ok', 5000);
    announce(message);
  }
}

/** A booking that costs nothing is confirmed without a card. */
const isFree = (checkout: Checkout): boolean => checkout.payment?.provider === 'free';

/** Where the buyer goes next to pay: the card field, or the confirm button of a free booking. */
const payFocus = (checkout: Checkout): HTMLElement => (isFree(checkout) ? byId('pay-btn') : byId('card'));

/** This checkout's hold was extended already (the server allows it once). */
let extended = false;

async function extendHold(): Promise<void> {
  const checkout = state.checkout;
  if (!checkout) return;
  const button = byId('extend-btn', HTMLButtonElement);
  button.disabled = true;
  const r = await api.extendCheckout(checkout.checkoutId);
  button.disabled = false;
  button.hidden = true;
  extended = true;
  if (!r.ok) return notice(errorText(r), 'error');
  state.checkout = r.body;
  lastMinuteAnnounced = false;
  byId('countdown').dataset.expiresAt = r.body.expiresAt ?? '';
  tick();
  const minutes = Math.round((state.showtime?.seating.holdExtensionSeconds ?? 0) / 60);
  const text = `Your seats are held ${minutes} more minutes.`;
  notice(text, 'ok', 4000);
  announce(text);
  payFocus(r.body).focus();
}

function tick(): void {
  const checkout = state.checkout;
  if (!checkout?.expiresAt) return;
  const left = Math.max(0, new Date(checkout.expiresAt).getTime() - Date.now());
  const s = Math.ceil(left / 1000);
  byId('countdown').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  // Less than a minute left: more time can be asked for, once.
  byId('extend-btn').hidden = extended || left > 60_000 || left === 0;
  if (!lastMinuteAnnounced && left <= 60_000) {
    lastMinuteAnnounced = true;
    announce(extended ? 'One minute left to pay for your seats.' : 'One minute left to pay for your seats. You can ask for more time.');
  }
  if (left > 0) return;
  stopCountdown();
  // The server releases the seats at expiry; confirm with it rather than trusting the clock.
  const id = checkout.checkoutId;
  setTimeout(async () => {
    if (state.checkout?.checkoutId !== id) return;
    const r = await api.checkout(id);
    if (r.ok && r.body.status !== 'AWAITING_PAYMENT' && r.body.status !== 'HOLDING') holdEnded(r.body.status);
    else if (state.checkout?.checkoutId === id) setTimeout(tick, 1000);
  }, 800);
}

/** The page's hold is over for it (booked, ended, or left on another showtime): no countdown, no seats of ours. */
function forgetCheckout(): void {
  stopCountdown();
  state.checkout = null;
  state.mine.clear();
}

/**
 * Leaving the showtime: its hold (which the server keeps, and which is shown
 * again on return) and its confirmation are no longer on screen, so another
 * showtime's page starts with its own seat picking.
 */
export function closeBasket(): void {
  forgetCheckout();
  byId('checkout-panel').hidden = true;
  byId('confirmation').hidden = true;
}

/** Hides the card form; focus that was in it goes back to the seat map rather than being lost. */
function hideCheckoutPanel(): void {
  const panel = byId('checkout-panel');
  const hadFocus = panel.contains(document.activeElement);
  panel.hidden = true;
  if (hadFocus) state.seatMap?.focus();
}

/** Our hold is over without a booking (expired, released, failed). */
export function holdEnded(status: BookingStatus): void {
  if (!state.checkout) return;
  const { checkoutId } = state.checkout;
  const labels = state.checkout.seats.map((s) => s.label).join(', ');
  forgetCheckout();
  hideCheckoutPanel();
  state.seatMap?.paintAll();
  renderBasket();
  const expired = status === 'EXPIRED';
  const text = expired ? `Your hold on ${labels} expired and the seats were released. Pick seats again to book.` : `Your hold on ${labels} was released.`;
  notice(text, expired ? 'error' : 'info', 0);
  announce(text);
  closed(checkoutId);
}

async function pay(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  if (!state.checkout) return;
  const free = isFree(state.checkout);
  const card = byId('card', HTMLInputElement).value.trim();
  const payError = byId('pay-error');
  if (!free && !card) {
    payError.textContent = 'Enter a card number (try 4242 4242 4242 4242).';
    return;
  }
  const payBtn = byId('pay-btn', HTMLButtonElement);
  payBtn.disabled = true;
  payError.textContent = '';
  const id = state.checkout.checkoutId;
  let r = await api.payCheckout(id, free ? {} : { card });
  // 202: the payment is accepted and the booking is being confirmed.
  for (let i = 0; r.ok && r.status === 202 && i < 20; i++) {
    await new Promise((res) => setTimeout(res, 500));
    r = await api.checkout(id);
    if (r.ok && r.body.status === 'AWAITING_PAYMENT') r = { ...r, status: 202 };
  }
  payBtn.disabled = false;
  if (r.ok && r.status === 200 && r.body.status === 'CONFIRMED') return confirmed(r.body);
  if (r.status === 402) {
    payError.textContent = 'Your card was declined. Your seats are still held — try another card.';
    announce('Card declined');
    return;
  }
  if (r.status === 409) {
    const s = await api.checkout(id);
    if (s.ok && s.body.status === 'CONFIRMED') return confirmed(s.body);
    holdEnded(s.ok ? s.body.status : 'EXPIRED');
    return;
  }
  if (r.status === 400) {
    payError.textContent = 'That does not look like a card number. Use 4242 4242 4242 4242 in this demo.';
    return;
  }
  payError.textContent = r.ok ? `Something went wrong (HTTP ${r.status}).` : errorText(r);
}

function confirmed(booking: Checkout): void {
  forgetCheckout();
  state.seatMap?.paintAll(); // 'booked' arrives as a live update
  byId('checkout-panel').hidden = true;
  const st = state.showtime;
  const where = st ? `${st.movie.title}, ${whenText(st.startsAt)}, ${st.hall.name}` : '';
  const tickets = booking.lines.map((l) => `${l.label} (${l.ticketTypeName.toLowerCase()})`).join(', ');
  const promo = booking.discount ? ` with promo code ${booking.discount.code}` : '';
  byId('confirmation-text').textContent = `${where} — seats ${tickets}, ${isFree(booking) ? 'free' : `${money(booking.amount, booking.currency)} paid`}${promo}.`;
  byId('confirmation-ref').textContent = booking.checkoutId;
  const confirmation = byId('confirmation');
  confirmation.hidden = false;
  confirmation.dataset.status = 'CONFIRMED';
  renderBasket();
  confirmation.focus();
  notice('Payment received: your booking is confirmed.', 'ok', 5000);
  announce('Booking confirmed');
  closed(booking.checkoutId);
}

async function releaseHold(): Promise<void> {
  if (!state.checkout) return;
  const release = byId('release-btn', HTMLButtonElement);
  release.disabled = true;
  const r = await api.cancelCheckout(state.checkout.checkoutId);
  release.disabled = false;
  if (r.ok) holdEnded('CANCELLED');
  else notice(errorText(r), 'error');
}

/** After a reload or sign-in: an unpaid checkout of this showtime comes back with its countdown. */
export async function restoreOpenCheckout(): Promise<void> {
  if (!currentUser() || !state.showtime || state.checkout) return;
  const showtimeId = state.showtime.id;
  const r = await api.bookings({ status: 'AWAITING_PAYMENT', limit: 20 });
  if (!r.ok || state.checkout || state.showtime?.id !== showtimeId) return;
  const open = r.body.items.find((b) => b.showtimeId === showtimeId && b.expiresAt && new Date(b.expiresAt) > new Date());
  if (open) startCheckout(open);
}

/** `bestRefused` hears the count of a "best seats for N" the showtime could not seat. */
export function wireBasket(bestRefused: (count: number) => void): void {
  byId('hold-btn').addEventListener('click', () => void holdSeats());
  byId('pay-form').addEventListener('submit', (ev) => void pay(ev));
  byId('release-btn').addEventListener('click', () => void releaseHold());
  byId('extend-btn').addEventListener('click', () => void extendHold());
  wireBestSeats((checkout, message) => startCheckout(checkout, message), bestRefused);
  byId('book-more').addEventListener('click', () => {
    byId('confirmation').hidden = true;
    renderBasket();
    state.seatMap?.focus();
  });
}
