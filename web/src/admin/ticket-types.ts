/**
 * Ticket types (docs/pricing.md): the default set, each on sale or not, with
 * its price rule per seat type (a percent of the adult price, or a fixed
 * amount). Adult is the seat's own price and cannot change. A showtime's own
 * ticket types are set through the API. Every change is in the audit trail.
 */
import { issuesText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { fromMoneyInput, moneyInput } from '../lib/format.js';
import type { SeatType } from '../../../core/domain.js';
import { seatTypeText } from '../lib/seat-map.js';
import { admin } from './session.js';
import { fillTable } from './table.js';
import type { TicketType, TicketTypePatch } from './types.js';

/** Adult is the base price: the seat's own, on sale, no rules. */
const BASE = 'adult';
/** Column heads, short so that the five seat types fit a laptop's width; each field's label says it in full. */
const COLUMN: Record<SeatType, string> = { regular: 'Regular', premium: 'Premium', vip: 'VIP', accessible: 'Wheelchair', companion: 'Companion' };
const SEAT_TYPES = Object.keys(COLUMN) as SeatType[];

/** A fixed rule is typed as money (7.50) and kept in minor units. */
const shown = (rule: { kind: string; value: number }): string => (rule.kind === 'fixed' ? moneyInput(rule.value) : String(rule.value));

function ruleCell(t: TicketType, seat: SeatType): HTMLElement {
  const rule = t.rules[seat] ?? { kind: 'percent', value: 100 };
  const base = t.code === BASE;
  const label = `${t.name} price, ${seatTypeText[seat]}`;
  return el(
    'div',
    { class: 'row rule', attrs: { 'data-ticket-type': t.code, 'data-seat-type': seat } },
    el(
      'select',
      { attrs: { name: 'kind', 'aria-label': `${label}: kind`, disabled: base } },
      el('option', { text: '%', attrs: { value: 'percent', selected: rule.kind === 'percent' } }),
      el('option', { text: 'fixed', attrs: { value: 'fixed', selected: rule.kind === 'fixed' } }),
    ),
    el('input', { attrs: { name: 'value', type: 'number', min: 0, step: 'any', value: shown(rule), 'aria-label': `${label}: value`, disabled: base, class: 'narrow' } }),
  );
}

function saleCell(t: TicketType): HTMLElement {
  return el('input', { attrs: { type: 'checkbox', name: 'onSale', checked: t.onSale, disabled: t.code === BASE, 'aria-label': `${t.name} on sale`, 'data-ticket-type': t.code } });
}

function saveCell(t: TicketType): HTMLElement | string {
  if (t.code === BASE) return el('span', { class: 'muted', text: 'the seat’s price' });
  return el('button', { text: 'Save', attrs: { type: 'button', 'aria-label': `Save ${t.name}`, 'data-save-ticket-type': t.code }, on: { click: () => void save(t) } });
}

/** The row's fields as the API's change: on sale or not, and a rule for every seat type. */
function rowChange(t: TicketType): TicketTypePatch {
  const table = byId('ticket-types-table', HTMLTableElement);
  const onSale = table.querySelector<HTMLInputElement>(`input[name=onSale][data-ticket-type="${t.code}"]`)!.checked;
  const rules = Object.fromEntries(
    SEAT_TYPES.map((seat) => {
      const cell = table.querySelector<HTMLElement>(`.rule[data-ticket-type="${t.code}"][data-seat-type="${seat}"]`)!;
      const kind = cell.querySelector<HTMLSelectElement>('select')!.value === 'fixed' ? 'fixed' : 'percent';
      const typed = cell.querySelector<HTMLInputElement>('input')!.value;
      return [seat, { kind, value: kind === 'fixed' ? fromMoneyInput(typed) : Number(typed) }];
    }),
  );
  return { onSale, rules };
}

async function save(t: TicketType): Promise<void> {
  const r = await admin.updateTicketType(t.code, rowChange(t));
  if (!r.ok) return notice(`${t.name}: ${issuesText(r)}`, 'error');
  const text = `${t.name} is saved${r.body.onSale ? '' : ' (not on sale)'}: holds from now on use it; bookings keep their prices.`;
  notice(text, 'ok');
  announce(text);
  await renderTicketTypes();
}

export async function renderTicketTypes(): Promise<void> {
  const r = await admin.ticketTypes();
  if (!r.ok) return notice(issuesText(r), 'error');
  fillTable<TicketType>(
    byId('ticket-types-table', HTMLTableElement),
    'Ticket types and their price per seat type',
    [
      { head: 'Ticket type', cell: (t) => t.name },
      { head: 'On sale', cell: saleCell },
      ...SEAT_TYPES.map((seat) => ({ head: COLUMN[seat], cell: (t: TicketType) => ruleCell(t, seat) })),
      { head: '', cell: saveCell },
    ],
    r.body.items,
  );
}
