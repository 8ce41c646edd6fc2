/** The halls list: each hall's size and seats, a link to its designer and to its week in the schedule. */
import { errorText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import type { Hall } from './types.js';
import { admin } from './session.js';
import { fillTable } from './table.js';

export async function renderHalls(): Promise<void> {
  const r = await admin.halls({ limit: 100 });
  if (!r.ok) return notice(errorText(r), 'error');
  fillTable<Hall>(
    byId('halls-table', HTMLTableElement),
    'Halls',
    [
      { head: 'Hall', cell: (h) => el('a', { text: h.name, attrs: { href: `#/halls/${h.id}`, 'data-hall-id': h.id } }) },
      { head: 'Rows × columns', cell: (h) => `${h.rows} × ${h.cols}` },
      { head: 'Seats', cell: (h) => String(h.seatCount), numeric: true },
      { head: 'Schedule', cell: (h) => el('a', { text: `${h.name} this week`, attrs: { href: `#/schedule?hall=${h.id}` } }) },
    ],
    r.body.items,
    'No halls yet: design the first one.',
  );
}
