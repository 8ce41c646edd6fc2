/**
 * Who is signed in to the console. The token is the site's one token
 * (lib/auth-store.ts): signing in here signs in the seat picker too, and the
 * other way round. The console is for staff and admins; the API checks the
 * role on every call, the page only hides what the role cannot use.
 */
import { roleAtLeastText, type Role, type User } from './roles.js';
import { tokenStore } from '../lib/auth-store.js';
import { byId } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';
import { createAdminClient } from './api.js';

let user: User | null = null;

export const currentUser = (): User | null => user;

/** Whether the signed-in user may use what needs `role`. */
export const may = (role: Role): boolean => !!user && roleAtLeastText(user.role, role);

/** Called when the session ends (sign-out, or the API said the token is no longer valid). */
let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (fn: () => void): void => {
  onSignedOut = fn;
};

export const admin = createAdminClient({ token: () => tokenStore.get(), onUnauthorized: () => signOut('Your session has ended; sign in again.') });

export function setUser(next: User | null): void {
  user = next;
  byId('user-label').textContent = next ? `${next.name || next.email} · ${next.role}` : '';
  byId('signout-btn').hidden = !next;
  const nav = byId('console-nav');
  nav.hidden = !next || !may('staff');
  for (const link of nav.querySelectorAll<HTMLElement>('[data-needs]')) link.hidden = !may(link.dataset.needs as Role);
  document.body.dataset.role = next?.role ?? '';
}

export function signIn(token: string, next: User): void {
  tokenStore.set(token);
  setUser(next);
}

export function signOut(message = 'Signed out.'): void {
  tokenStore.clear();
  setUser(null);
  notice(message, 'info', 4000);
  onSignedOut();
}

/** The user of the stored token, if it is still valid. */
export async function loadUser(): Promise<void> {
  if (!tokenStore.get()) return setUser(null);
  const r = await admin.me();
  setUser(r.ok ? r.body.user : null);
}
