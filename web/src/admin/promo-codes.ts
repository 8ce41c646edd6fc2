/**
 * Promo codes (docs/pricing.md): every code with its redemptions in use, a
 * form to create one, and per code: deactivate or activate it again, delete
 * it (one that bookings redeemed stays, deactivated: the API decides). Which
 * movies or showtimes a code is for is set through the API; the list says it.
 */
import { errorText, issuesText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { fromLocalInput, fromMoneyInput, moneyInput, plural, whenText } from '../lib/format.js';
import { confirmAction } from './dialog.js';
import { admin } from './session.js';
import { fillTable } from './table.js';
import type { PromoCode, PromoCodeInput } from './types.js';

/** A fixed discount is in minor units of whichever showtime's currency it is used for. */
const discountText = (p: PromoCode): string => (p.kind === 'percent' ? `${p.value} % off` : `${moneyInput(p.value)} off`);

const windowText = (p: PromoCode): string =>
  !p.validFrom && !p.validUntil ? 'always' : `${p.validFrom ? whenText(p.validFrom) : 'now'} – ${p.validUntil ? whenText(p.validUntil) : 'no end'}`;

const scopeText = (p: PromoCode): string =>
  p.movieIds.length + p.showtimeIds.length === 0
    ? 'every showtime'
    : [p.movieIds.length ? plural(p.movieIds.length, 'movie') : '', p.showtimeIds.length ? plural(p.showtimeIds.length, 'showtime') : ''].filter(Boolean).join(', ');

function actionsCell(p: PromoCode): HTMLElement {
  const toggle = el('button', {
    text: p.active ? 'Deactivate' : 'Activate',
    attrs: { type: 'button', 'aria-label': `${p.active ? 'Deactivate' : 'Activate'} ${p.code}` },
    on: { click: () => void setActive(p, !p.active) },
  });
  const remove = el('button', { text: 'Delete', attrs: { type: 'button', 'aria-label': `Delete ${p.code}` }, on: { click: () => void removeCode(p) } });
  return el('div', { class: 'row' }, toggle, remove);
}

async function setActive(p: PromoCode, active: boolean): Promise<void> {
  const r = await admin.updatePromoCode(p.id, { active });
  if (!r.ok) return notice(errorText(r), 'error');
  await said(active ? `${p.code} is active: customers can redeem it.` : `${p.code} is inactive: holds refuse it as unknown.`);
}

async function removeCode(p: PromoCode): Promise<void> {
  const ok = await confirmAction({
    title: `Delete ${p.code}?`,
    body: [el('p', { text: 'A code that bookings redeemed is kept for them, deactivated; any other is deleted.' })],
    confirm: 'Delete',
  });
  if (!ok) return;
  const r = await admin.deletePromoCode(p.id);
  if (!r.ok) return notice(errorText(r), 'error');
  await said(r.status === 204 ? `${p.code} is deleted.` : `${p.code} was redeemed, so it is kept, deactivated.`);
}

/** Says what happened and shows the list as it now is. */
async function said(text: string): Promise<void> {
  notice(text, 'ok');
  announce(text);
  await renderPromoCodes();
}

export async function renderPromoCodes(): Promise<void> {
  const r = await admin.promoCodes({ limit: 100 });
  if (!r.ok) return notice(errorText(r), 'error');
  fillTable<PromoCode>(
    byId('promo-table', HTMLTableElement),
    'Promo codes',
    [
      { head: 'Code', cell: (p) => el('code', { text: p.code }) },
      { head: 'Discount', cell: discountText },
      { head: 'Valid', cell: windowText },
      { head: 'For', cell: scopeText },
      { head: 'In use', cell: (p) => (p.maxRedemptions === null ? String(p.redemptions) : `${p.redemptions} of ${p.maxRedemptions}`), numeric: true },
      { head: 'Per customer', cell: (p) => (p.perUserLimit === null ? 'no limit' : String(p.perUserLimit)), numeric: true },
      { head: 'Status', cell: (p) => el('span', { class: 'badge', text: p.active ? 'active' : 'inactive', attrs: { 'data-status': p.active ? 'active' : 'inactive' } }) },
      { head: 'Actions', cell: actionsCell },
    ],
    r.body.items,
    'No promo code yet.',
  );
}

/** The form's fields as the API's body; empty optional fields are left out (no limit, no window). */
function formInput(form: HTMLFormElement): PromoCodeInput {
  const data = new FormData(form);
  const text = (name: string): string => String(data.get(name) ?? '').trim();
  const count = (name: string): number | null => (text(name) === '' ? null : Number(text(name)));
  const kind = text('kind') === 'fixed' ? 'fixed' : 'percent';
  const value = kind === 'fixed' ? fromMoneyInput(text('value')) : Number(text('value'));
  return {
    code: text('code'),
    kind,
    value,
    maxRedemptions: count('maxRedemptions'),
    perUserLimit: count('perUserLimit'),
    validFrom: fromLocalInput(text('validFrom')),
    validUntil: fromLocalInput(text('validUntil')),
  };
}

async function create(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const form = ev.currentTarget as HTMLFormElement;
  const error = byId('promo-error');
  const r = await admin.createPromoCode(formInput(form));
  if (!r.ok) {
    error.textContent = issuesText(r);
    return;
  }
  error.textContent = '';
  form.reset();
  await said(`${r.body.code} is created: ${discountText(r.body)}.`);
}

export function wirePromoCodes(): void {
  byId('promo-form', HTMLFormElement).addEventListener('submit', (ev) => void create(ev));
}
