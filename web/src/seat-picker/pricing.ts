/**
 * Prices on the seat-picker page: a ticket type for each picked seat (adult
 * unless chosen), the promo code field, and a hold's lines and discount.
 * What each type costs per seat type comes with the showtime
 * (GET /showtimes/{id}.ticketTypes); the discount only the hold knows.
 */
import type { ApiError } from '../lib/api.js';
import type { Checkout, SeatMapSeat, TicketTypeCode } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { announce } from '../lib/feedback.js';
import { money } from '../lib/format.js';
import { seatTypeText } from '../lib/seat-map.js';
import { currency, state } from './state.js';

const ADULT: TicketTypeCode = 'adult';

const onSale = () => state.showtime?.ticketTypes ?? [];

export const ticketTypeOf = (seatId: number): TicketTypeCode => state.ticketTypes.get(seatId) ?? ADULT;

/** What the seat costs as its chosen ticket type (before any discount). */
export function priceOf(seat: SeatMapSeat): number {
  return onSale().find((t) => t.code === ticketTypeOf(seat.id))?.prices[seat.type] ?? seat.price;
}

/** A picked seat in the basket: its name, its ticket type (a choice when more than adult is on sale) and its price. */
export function pickedLine(seat: SeatMapSeat, changed: () => void): HTMLLIElement {
  const price = el('span', { class: 'price', text: money(priceOf(seat), currency()) });
  const types = onSale();
  const choice =
    types.length > 1
      ? el(
          'select',
          {
            class: 'ticket-type',
            attrs: { 'aria-label': `Ticket type for seat ${seat.label}`, 'data-seat-id': seat.id },
            on: {
              change: (ev) => {
                const code = (ev.target as HTMLSelectElement).value as TicketTypeCode;
                if (code === ADULT) state.ticketTypes.delete(seat.id);
                else state.ticketTypes.set(seat.id, code);
                price.textContent = money(priceOf(seat), currency());
                changed();
              },
            },
          },
          ...types.map((t) => el('option', { attrs: { value: t.code, selected: t.code === ticketTypeOf(seat.id) }, text: `${t.name} ${money(t.prices[seat.type], currency())}` })),
        )
      : null;
  return el('li', { class: 'picked', attrs: { 'data-seat-id': seat.id } }, el('span', { text: `${seat.label} · ${seatTypeText[seat.type]}` }), choice, price);
}

/** The ticket types of the picked seats for the hold request (adult ones left out: adult is the default). */
export function ticketTypesAsk(seatIds: number[]): Record<string, TicketTypeCode> | undefined {
  const typed = seatIds.filter((id) => ticketTypeOf(id) !== ADULT).map((id) => [String(id), ticketTypeOf(id)] as const);
  return typed.length ? Object.fromEntries(typed) : undefined;
}

/** The promo code typed, if any. */
export function promoAsk(): string | undefined {
  const code = byId('promo-code', HTMLInputElement).value.trim();
  return code || undefined;
}

/** Clears the promo code's refusal (a new attempt, or a hold that went through). */
export function clearPromoError(): void {
  byId('promo-error').textContent = '';
  byId('promo-code').removeAttribute('aria-invalid');
}

/** A refusal of the promo code, said beside the field (which gets the focus); false when the error is about something else. */
export function promoRefused(error: ApiError): boolean {
  if (error.code !== 'PROMO_CODE_INVALID') return false;
  const field = byId('promo-code', HTMLInputElement);
  const text = `${error.message}. Correct the code, or clear it to book without one.`;
  byId('promo-error').textContent = text;
  field.setAttribute('aria-invalid', 'true');
  field.focus();
  announce(text);
  return true;
}

/** The hold's lines (seat, ticket type, price) and its discount, in the checkout panel. */
export function renderHeldLines(checkout: Checkout): void {
  byId('held-list').replaceChildren(
    ...checkout.lines.map((l) =>
      el('li', { attrs: { 'data-seat-id': l.seatId, 'data-ticket-type': l.ticketType } }, el('span', { text: `${l.label} · ${l.ticketTypeName}` }), el('span', { text: money(l.price, checkout.currency) })),
    ),
  );
  const discount = byId('checkout-discount');
  discount.hidden = !checkout.discount;
  if (checkout.discount) {
    byId('discount-code').textContent = checkout.discount.code;
    byId('discount-amount').textContent = `−${money(checkout.discount.amount, checkout.currency)}`;
  }
}
