/**
 * The audit trail (GET /admin/audit): who changed what, when, on which
 * resource, with what changed and the workflow that carried it out. Filters
 * live in the URL (#/audit?resource=booking&resourceId=chk_…).
 */
import { errorText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { whenText } from '../lib/format.js';
import type { Search } from './api.js';
import { auditResources, resourceText } from './roles.js';
import { admin } from './session.js';
import { fillPager, fillTable, type Column } from './table.js';
import { fillFields, pageHash, searchOf, submitToHash } from './url-search.js';
import type { AuditEntry, AuditQuery } from './types.js';

const PAGE = 50;
const FIELDS = ['resource', 'resourceId', 'actor', 'from', 'to'] as const;

const short = (v: unknown): string => {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/** "rating: PG → PG-13; reason: projector broken". */
export function changesText(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([key, v]) => {
      const edit = v !== null && typeof v === 'object' && 'from' in v && 'to' in v ? (v as { from: unknown; to: unknown }) : null;
      return edit ? `${key}: ${short(edit.from)} → ${short(edit.to)}` : `${key}: ${short(v)}`;
    })
    .join('; ');
}

function resourceCell(e: AuditEntry): Node | string {
  const text = `${resourceText[e.resource.type]} ${e.resource.id}`;
  if (e.resource.type === 'booking') return el('a', { text, attrs: { href: `#/bookings/${e.resource.id}` } });
  if (e.resource.type === 'promo-code' && e.action !== 'promo-code.delete') return el('a', { text, attrs: { href: '#/promo-codes' } });
  if (e.resource.type === 'hall' && e.action !== 'hall.delete') return el('a', { text, attrs: { href: `#/halls/${e.resource.id}` } });
  return text;
}

export const auditColumns = (): Column<AuditEntry>[] => [
  { head: 'When', cell: (e) => whenText(e.at) },
  { head: 'Who', cell: (e) => `${e.actor.email ?? `user ${e.actor.id}`} (${e.actor.role})` },
  { head: 'Action', cell: (e) => el('code', { text: e.action }) },
  { head: 'Resource', cell: resourceCell },
  { head: 'What changed', cell: (e) => changesText(e.changes) },
  {
    head: 'Workflow',
    cell: (e) => (e.workflowUrl ? el('a', { text: e.workflowId ?? '', attrs: { href: e.workflowUrl, target: '_blank', rel: 'noopener noreferrer' } }) : ''),
  },
];

function buildForm(form: HTMLFormElement): void {
  const field = (label: string, control: HTMLElement) => el('label', { class: 'inline' }, `${label} `, control);
  form.replaceChildren(
    field('Resource', el('select', { attrs: { name: 'resource' } }, el('option', { text: 'any', attrs: { value: '' } }), ...auditResources().map((r) => el('option', { text: resourceText[r], attrs: { value: r } })))),
    field('Its id', el('input', { attrs: { name: 'resourceId', autocomplete: 'off', maxlength: 40 } })),
    field('By user id', el('input', { attrs: { name: 'actor', inputmode: 'numeric', autocomplete: 'off' } })),
    field('From', el('input', { attrs: { name: 'from', type: 'date' } })),
    field('To', el('input', { attrs: { name: 'to', type: 'date' } })),
    el('button', { text: 'Filter', attrs: { type: 'submit' } }),
  );
}

export async function renderAudit(params: URLSearchParams): Promise<void> {
  fillFields(byId('audit-filter', HTMLFormElement), FIELDS, params);
  const query: Search<AuditQuery> = searchOf(FIELDS, params);
  const offset = Number(params.get('offset')) || 0;
  const r = await admin.audit({ ...query, limit: PAGE, offset });
  if (!r.ok) return notice(errorText(r), 'error');
  fillTable(byId('audit-table', HTMLTableElement), 'Audit entries, newest first', auditColumns(), r.body.items, 'No entry matches.');
  fillPager(byId('audit-pages'), { total: r.body.total, limit: PAGE, offset }, (next) => (location.hash = pageHash('#/audit', searchOf(FIELDS, params), next)));
}

export function wireAudit(): void {
  const form = byId('audit-filter', HTMLFormElement);
  buildForm(form);
  submitToHash(form, FIELDS, '#/audit');
}
