/** Who is signed in, and the API client that carries their token. */
import { createApiClient } from '../lib/api.js';
import type { User } from '../lib/api-types.js';
import { tokenStore } from '../lib/auth-store.js';
import { byId } from '../lib/dom.js';
import { notice } from '../lib/feedback.js';

let user: User | null = null;

export const currentUser = (): User | null => user;

export const api = createApiClient({ token: () => tokenStore.get(), onUnauthorized: () => signOut(false) });

/** Shows who is signed in (or the sign-in button) in the header. */
export function setUser(next: User | null): void {
  user = next;
  byId('user-label').textContent = next ? next.name || next.email : '';
  byId('signin-btn').hidden = !!next;
  byId('signout-btn').hidden = !next;
  byId('bookings-link').hidden = !next;
  document.body.dataset.signedIn = next ? 'true' : 'false';
}

export function signIn(token: string, next: User): void {
  tokenStore.set(token);
  setUser(next);
}

export function signOut(say = true): void {
  tokenStore.clear();
  setUser(null);
  if (say) notice('Signed out.', 'info', 3000);
}

/** The user of the stored token, if it is still valid. */
export async function loadUser(): Promise<void> {
  if (!tokenStore.get()) return setUser(null);
  const r = await api.me();
  setUser(r.ok ? r.body.user : null);
}
