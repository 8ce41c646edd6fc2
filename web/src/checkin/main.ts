/**
 * The usher's page at /checkin: staff sign in, then check tickets in by
 * camera (BarcodeDetector) or by typing the code. Each scan answers big and
 * unmistakably: admit, already checked in, do not admit, not a ticket.
 */
import { createApiClient, errorText } from '../lib/api.js';
import type { User } from '../lib/api-types.js';
import { tokenStore } from '../lib/auth-store.js';
import { byId } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { setUpCamera } from './camera.js';
import { resetResult, showChecking, showResult, type Outcome } from './result.js';

const api = createApiClient({
  token: () => tokenStore.get(),
  onUnauthorized: () => {
    tokenStore.clear();
    showSignIn('Your session has ended: sign in again.');
  },
});

const mayCheckIn = (u: User): boolean => u.role === 'staff' || u.role === 'admin';

/** The sign-in form (a customer signed in on the seat picker stays signed in there). */
function showSignIn(message = ''): void {
  byId('user-label').textContent = '';
  byId('signout-btn').hidden = true;
  byId('scan-view').hidden = true;
  byId('signin-view').hidden = false;
  byId('signin-error').textContent = message;
  byId('signin-title').focus();
}

function showScanner(user: User): void {
  byId('user-label').textContent = user.name || user.email;
  byId('signout-btn').hidden = false;
  byId('signin-view').hidden = true;
  byId('scan-view').hidden = false;
  resetResult();
  byId('code-input', HTMLInputElement).focus();
}

/** Checks one code in and shows the answer; a buzz on phones that can (one short for admit, three for a refusal). */
async function checkIn(code: string): Promise<Outcome> {
  showChecking();
  const outcome = showResult(await api.checkIn({ code }));
  navigator.vibrate?.(outcome === 'admitted' ? 150 : [100, 80, 100, 80, 100]);
  announce(`${byId('result-headline').textContent ?? ''}. ${byId('result-seat').textContent ?? ''}`);
  return outcome;
}

async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const email = byId('signin-email', HTMLInputElement).value.trim();
  const password = byId('signin-password', HTMLInputElement).value;
  const r = await api.login({ email, password });
  if (!r.ok) {
    byId('signin-error').textContent = errorText(r);
    return;
  }
  if (!mayCheckIn(r.body.user)) {
    byId('signin-error').textContent = 'This page is for cinema staff. Ask an admin to give your account the staff role.';
    return;
  }
  tokenStore.set(r.body.token);
  showScanner(r.body.user);
}

async function start(): Promise<void> {
  byId('signin-form').addEventListener('submit', (e) => void signIn(e as SubmitEvent));
  byId('signout-btn').addEventListener('click', () => {
    tokenStore.clear();
    showSignIn();
    notice('Signed out.', 'info', 3000);
  });
  byId('code-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = byId('code-input', HTMLInputElement);
    if (!input.value.trim()) return input.focus();
    await checkIn(input.value);
    input.value = '';
    input.focus();
  });
  await setUpCamera(async (code) => void (await checkIn(code)));

  const me = tokenStore.get() ? await api.me() : null;
  if (me?.ok && mayCheckIn(me.body.user)) showScanner(me.body.user);
  else showSignIn(me?.ok ? 'This page is for cinema staff.' : '');
}

void start();
