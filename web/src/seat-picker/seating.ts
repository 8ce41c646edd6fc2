/** The seating rules on the page: why a pick would be refused, said before it is sent, and "best seats for N". */
import { companionsAlone, strandedSeats, type SeatSpot } from '../../../core/seating.js';
import { errorText } from '../lib/api.js';
import type { Checkout } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { showAuth } from './auth.js';
import { clearPromoError, promoAsk, promoRefused } from './pricing.js';
import { api, currentUser } from './session.js';
import { maxSeats, state } from './state.js';

const labelsOf = (ids: number[]): string => ids.map((id) => state.seatMap?.seat(id)?.label ?? String(id)).join(', ');

/** Why the server would refuse to hold the picked seats, in words; null when it would not. The same rules the hold applies (core/seating.ts). */
export function selectionProblem(): string | null {
  const rules = state.showtime?.seating;
  if (!rules || state.selected.size === 0 || !state.seatMap) return null;
  const spots: SeatSpot[] = state.seatMap.seats().map((s) => ({ id: s.id, gridRow: s.gridRow, gridCol: s.gridCol, type: s.type, free: s.status === 'available' }));
  if (!rules.companionsOnSale) {
    const alone = companionsAlone(spots, state.selected);
    if (alone.length) return `Companion seat ${labelsOf(alone)} goes with the wheelchair space beside it: pick both.`;
  }
  if (rules.singleSeatRule) {
    const stranded = strandedSeats(spots, state.selected);
    if (stranded.length) {
      const which = stranded.length === 1 ? `seat ${labelsOf(stranded)}` : `seats ${labelsOf(stranded)}`;
      return `This would leave ${which} on its own, which nobody could book. Pick seats next to it, or at the end of the row.`;
    }
  }
  return null;
}

/** A fresh key per hold attempt (randomUUID needs a secure context: plain http on a LAN address has none). */
export const idempotencyKey = (): string =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The "best seats for N" form: the server chooses and holds them at once; `refused` hears the count the showtime cannot seat. */
export function wireBestSeats(started: (checkout: Checkout, how: string) => void, refused: (count: number) => void): void {
  const count = byId('best-count', HTMLSelectElement);
  const form = byId('best-form', HTMLFormElement);
  const button = byId('best-btn', HTMLButtonElement);
  const find = async (): Promise<void> => {
    if (!currentUser()) {
      showAuth(() => void find(), 'Sign in or create an account to hold seats.');
      return;
    }
    const showtime = state.showtime;
    if (!showtime || state.checkout) return;
    button.disabled = true;
    const accessible = byId('best-accessible', HTMLInputElement).checked;
    const promoCode = promoAsk();
    clearPromoError();
    const r = await api.createCheckout(
      { showtimeId: showtime.id, bestAvailable: { count: Number(count.value), ...(accessible ? { accessible } : {}) }, ...(promoCode ? { promoCode } : {}) },
      idempotencyKey(),
    );
    button.disabled = false;
    if (r.ok) {
      state.selected.clear();
      state.ticketTypes.clear();
      started(r.body, `We held the best seats we have: ${r.body.seats.map((s) => s.label).join(', ')}.`);
      return;
    }
    if (promoRefused(r.error)) return;
    const reason = typeof r.error.details?.reason === 'string' ? r.error.details.reason : null;
    const text = r.status === 409 && reason ? `Sorry — ${reason}. Try fewer seats, pick them on the map, or join the waitlist.` : errorText(r);
    notice(text, 'error');
    announce(text);
    if (r.status === 409 && reason) refused(Number(count.value));
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void find();
  });
}

/** A choice of 1 up to the seats one checkout may hold (2 at first); the choice made is kept. */
export function renderSeatCount(count: HTMLSelectElement): void {
  const max = maxSeats();
  if (count.options.length === max) return;
  const chosen = Number(count.value) || 2;
  count.replaceChildren(...Array.from({ length: max }, (_, i) => el('option', { attrs: { value: i + 1 }, text: String(i + 1) })));
  count.value = String(Math.min(chosen, max));
}

/** The choice of how many best seats, up to the showtime's limit. */
export function renderBestSeats(): void {
  renderSeatCount(byId('best-count', HTMLSelectElement));
  byId('best-btn', HTMLButtonElement).disabled = !!state.checkout || state.showtime?.status === 'cancelled';
}
