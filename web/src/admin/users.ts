/**
 * Users: find them (GET /admin/users) and grant or remove the staff and admin
 * roles (PUT /admin/users/:id/role). The API refuses an admin's removal of
 * their own admin role; the page says so before anyone tries.
 */
import { errorText } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { whenText } from '../lib/format.js';
import { roles, roleText, type Role, type User } from './roles.js';
import { admin, currentUser } from './session.js';
import { fillTable } from './table.js';
import { fillFields, searchOf, submitToHash } from './url-search.js';

const FIELDS = ['q', 'role'] as const;

function roleCell(u: User): HTMLElement {
  const self = u.id === currentUser()?.id;
  const select = el(
    'select',
    { attrs: { 'aria-label': `Role of ${u.email}`, 'data-user-id': u.id, disabled: self } },
    ...roles().map((r) => el('option', { text: roleText[r], attrs: { value: r, selected: r === u.role } })),
  );
  const save = el('button', { text: 'Save role', attrs: { type: 'button', disabled: self, 'data-save-role': u.id } });
  save.addEventListener('click', () => void setRole(u, select.value as Role));
  return el('div', { class: 'row' }, select, save, self ? el('span', { class: 'muted', text: 'you: another admin can change it' }) : '');
}

async function setRole(u: User, role: Role): Promise<void> {
  const r = await admin.setRole(u.id, { role });
  if (!r.ok) return notice(errorText(r), 'error');
  const done = `${u.email} is now ${roleText[r.body.user.role]}; it takes effect at their next sign-in.`;
  notice(done, 'ok');
  announce(done);
}

export async function renderUsers(params: URLSearchParams): Promise<void> {
  fillFields(byId('user-search', HTMLFormElement), FIELDS, params);
  const r = await admin.users({ ...searchOf(FIELDS, params), limit: 100 });
  if (!r.ok) return notice(errorText(r), 'error');
  fillTable<User>(
    byId('users-table', HTMLTableElement),
    'Users',
    [
      { head: 'Email', cell: (u) => u.email },
      { head: 'Name', cell: (u) => u.name },
      { head: 'Since', cell: (u) => whenText(String(u.createdAt)) },
      { head: 'Role', cell: roleCell },
    ],
    r.body.items,
    'No user matches.',
  );
}

export function wireUsers(): void {
  const form = byId('user-search', HTMLFormElement);
  form.replaceChildren(
    el('label', { class: 'inline' }, 'Email or name ', el('input', { attrs: { name: 'q', type: 'search', autocomplete: 'off', maxlength: 100 } })),
    el(
      'label',
      { class: 'inline' },
      'Role ',
      el('select', { attrs: { name: 'role' } }, el('option', { text: 'any', attrs: { value: '' } }), ...roles().map((r) => el('option', { text: roleText[r], attrs: { value: r } }))),
    ),
    el('button', { class: 'primary', text: 'Find', attrs: { type: 'submit' } }),
  );
  submitToHash(form, FIELDS, '#/users');
}
