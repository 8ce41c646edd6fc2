/**
 * The sign-in / create-account panel. It opens inline where the user is: in
 * the basket on the seat map (so the seats stay in view), else above the
 * page's content; after signing in, what the user was doing carries on.
 */
import { issuesText } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { announce } from '../lib/feedback.js';
import { api, signIn } from './session.js';
import { state } from './state.js';

type Mode = 'login' | 'register';

let mode: Mode = 'login';
/** What to do once signed in (e.g. the hold that asked for it). */
let afterSignIn: (() => void) | null = null;
/** What to do after a sign-in nothing asked for. */
let onSignedIn: () => void = () => undefined;
/** Where focus was when the panel opened: it goes back there when the panel closes. */
let opener: HTMLElement | null = null;

const panel = () => byId('auth-panel');
const password = () => byId('auth-password', HTMLInputElement);

function setMode(next: Mode): void {
  mode = next;
  const register = next === 'register';
  byId('auth-title').textContent = register ? 'Create an account' : 'Sign in';
  byId('auth-submit').textContent = register ? 'Create account' : 'Sign in';
  byId('auth-toggle').textContent = register ? 'Have an account? Sign in' : 'New here? Create an account';
  byId('name-field').hidden = !register;
  password().autocomplete = register ? 'new-password' : 'current-password';
  byId('auth-error').textContent = '';
}

/** Opens the panel; `then` runs once signed in, `why` says why signing in is needed. */
export function showAuth(then: (() => void) | null = null, why = ''): void {
  afterSignIn = then;
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && !panel().contains(active)) opener = active;
  placeAuth();
  panel().hidden = false;
  byId('auth-error').textContent = why;
  byId('auth-email').focus();
}

/** Moves the panel to where the current view wants it. */
export function placeAuth(): void {
  if (state.route === 'showtime') byId('auth-slot').append(panel());
  else byId('main').insertBefore(panel(), byId('movies-view'));
}

export function hideAuth(): void {
  const hadFocus = panel().contains(document.activeElement);
  panel().hidden = true;
  afterSignIn = null;
  if (hadFocus && opener?.checkVisibility()) opener.focus();
  opener = null;
}

async function submit(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const email = byId('auth-email', HTMLInputElement).value.trim();
  const secret = password().value;
  const submitBtn = byId('auth-submit', HTMLButtonElement);
  submitBtn.disabled = true;
  const r =
    mode === 'register'
      ? await api.register({ email, password: secret, name: byId('auth-name', HTMLInputElement).value.trim() || (email.split('@')[0] ?? email) })
      : await api.login({ email, password: secret });
  submitBtn.disabled = false;
  if (!r.ok) {
    byId('auth-error').textContent = issuesText(r);
    return;
  }
  signIn(r.body.token, r.body.user);
  password().value = '';
  const then = afterSignIn;
  hideAuth();
  announce(`Signed in as ${r.body.user.email}`);
  (then ?? onSignedIn)();
}

/** `signedIn` runs after a sign-in that no action asked for. */
export function wireAuth(signedIn: () => void): void {
  onSignedIn = signedIn;
  setMode('login');
  byId('signin-btn').addEventListener('click', () => showAuth(null));
  byId('auth-form').addEventListener('submit', (ev) => void submit(ev));
  byId('auth-toggle').addEventListener('click', () => setMode(mode === 'login' ? 'register' : 'login'));
  byId('auth-close').addEventListener('click', hideAuth);
  panel().addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hideAuth();
  });
}
