/**
 * The waitlist beside the seat map (docs/waitlist.md). A showtime that cannot
 * seat the buyer offers "Join the waitlist"; in line, the panel shows the
 * place and follows it live; when seats are held for the buyer it shows the
 * offer, paid in the basket like any hold; then how the entry ended.
 *
 * The live `waitlist:changed` events name entries, not buyers: each one only
 * makes the page re-read its own entry over REST.
 */
import { errorText } from '../lib/api.js';
import type { Checkout, WaitlistEntry, WaitlistStatus } from '../lib/api-types.js';
import { byId } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { plural, timeText } from '../lib/format.js';
import { showAuth } from './auth.js';
import { holdEnded, onCheckoutClosed, restoreOpenCheckout, startCheckout } from './basket.js';
import { renderSeatCount } from './seating.js';
import { api, currentUser } from './session.js';
import { maxSeats, state } from './state.js';

/** What the panel shows: the invitation to join, or the buyer's entry in one of its statuses. */
type PanelState = 'join' | WaitlistStatus;

const TITLES: Record<PanelState, string> = {
  join: 'Sold out',
  waiting: 'You’re on the waitlist',
  offered: 'Seats held for you',
  booked: 'Booked from the waitlist',
  lapsed: 'Your offer lapsed',
  left: 'You left the waitlist',
  closed: 'The waitlist has closed',
};

/** The buyer's entry for the showtime on screen (the newest), once known. */
let entry: WaitlistEntry | null = null;
/** The offer's checkout, once read: its seats and deadline. */
let offer: Checkout | null = null;
/** A "best seats for N" the showtime refused: the line is offered for N although other seats are free. */
let invited: number | null = null;
/** Reads of the entry are numbered: an answer overtaken by a later read is dropped. */
let reads = 0;

const active = (e: WaitlistEntry | null): boolean => e?.status === 'waiting' || e?.status === 'offered';

/** No seat on the map can be picked now (those held for the line count as taken). */
function soldOut(): boolean {
  const seats = state.seatMap?.seats() ?? [];
  return seats.length > 0 && seats.every((s) => s.status !== 'available');
}

/** Whether the buyer may join now: the showtime still sells and cannot seat them, and they are not in its line. */
function canJoin(): boolean {
  const st = state.showtime;
  if (!st || st.status === 'cancelled' || new Date(st.startsAt) <= new Date() || active(entry)) return false;
  return soldOut() || invited !== null;
}

function panelState(): PanelState | null {
  if (entry && (entry.status !== 'left' || canJoin())) return entry.status;
  return canJoin() ? 'join' : null;
}

function text(s: PanelState, e: WaitlistEntry | null): string {
  const seats = plural(e?.count ?? 0, 'seat');
  switch (s) {
    case 'join':
      return 'Join the waitlist: when seats come free they are held for you in turn, and we email you.';
    case 'waiting':
      return `Number ${e?.position ?? '?'} in line for ${seats}. When seats come free they are held for you, and we email you.`;
    case 'offered':
      return offer?.expiresAt
        ? `Seats ${offer.seats.map((x) => x.label).join(', ')} are held for you until ${timeText(new Date(offer.expiresAt))}. Pay to book them; unpaid, they go to the next in line.`
        : `${seats} are held for you. Pay to book them.`;
    case 'booked':
      return `Your ${seats} from the waitlist are booked.`;
    case 'lapsed':
      return 'The seats held for you were not paid in time, or were let go, and went to the next in line.';
    case 'left':
      return 'You are no longer in line.';
    case 'closed':
      return 'The showtime started or was cancelled before seats came free for you.';
  }
}

/** Draws the panel for what is known now; called on every seat-map change too (a showtime sells out live). */
export function renderWaitlist(): void {
  const panel = byId('waitlist-panel');
  const s = panelState();
  panel.hidden = s === null;
  if (s === null) return;
  panel.dataset.status = s;
  byId('waitlist-title').textContent = s === 'join' && !soldOut() ? 'Not enough seats together' : TITLES[s];
  const says = byId('waitlist-text');
  if (says.textContent !== text(s, entry)) says.textContent = text(s, entry);
  const signedIn = !!currentUser();
  const joinable = canJoin() && (s === 'join' || s === 'lapsed' || s === 'left');
  byId('waitlist-form').hidden = !(joinable && signedIn);
  byId('waitlist-signin').hidden = !(joinable && !signedIn);
  if (joinable) renderSeatCount(byId('waitlist-count', HTMLSelectElement));
  byId('waitlist-leave').hidden = !active(entry);
  byId('waitlist-leave').textContent = s === 'offered' ? 'Leave the waitlist and let the seats go' : 'Leave the waitlist';
  byId('waitlist-pay').hidden = !(s === 'offered' && offer && state.checkout?.checkoutId !== offer.checkoutId);
  byId('waitlist-bookings').hidden = s !== 'booked';
}

/** Says what changed about the entry (a new place in line, an offer ending); an offer the basket opened, the basket says. */
function tell(before: WaitlistEntry, now: WaitlistEntry): void {
  let say = '';
  if (now.status === 'waiting' && now.position !== before.position) say = `You are now number ${now.position} in the waitlist.`;
  else if (now.status === before.status) return;
  else if (now.status === 'offered' && state.checkout && state.checkout.checkoutId !== now.offer?.checkoutId) {
    say = 'Seats from the waitlist are held for you: pay for or release the seats you are holding, then pay for them.';
  }
  else if (now.status === 'lapsed') say = 'Your waitlist offer lapsed: the seats went to the next in line.';
  else if (now.status === 'closed') say = 'The waitlist has closed: the showtime started or was cancelled.';
  if (!say) return;
  notice(say, now.status === 'waiting' ? 'info' : 'error', now.status === 'waiting' ? 5000 : 0);
  announce(say);
}

/**
 * The offer's checkout, read and opened in the basket to pay (unless another
 * hold is open there). Focus moves to the card field only if it was nowhere
 * or in this panel: an offer that arrives must not pull the buyer away.
 */
async function takeOffer(checkoutId: string, arriving: boolean): Promise<void> {
  if (state.checkout?.checkoutId === checkoutId) {
    offer = state.checkout;
    return;
  }
  const r = await api.checkout(checkoutId);
  if (!r.ok || r.body.status !== 'AWAITING_PAYMENT' || entry?.offer?.checkoutId !== checkoutId) return;
  offer = r.body;
  if (state.checkout || state.showtime?.id !== r.body.showtimeId) return;
  const focus = document.activeElement;
  const focusCard = focus === document.body || focus === null || byId('waitlist-panel').contains(focus);
  const labels = r.body.seats.map((s) => s.label).join(', ');
  const message = arriving && r.body.expiresAt ? `Seats ${labels} are held for you until ${timeText(new Date(r.body.expiresAt))}. Pay to book them.` : undefined;
  startCheckout(r.body, message, arriving && focusCard);
}

/** Shows `next` as the buyer's entry, telling what changed since `entry`. */
async function showEntry(next: WaitlistEntry | null): Promise<void> {
  const before = entry;
  entry = next;
  if (next?.offer?.checkoutId !== offer?.checkoutId) offer = null;
  if (next?.status === 'offered' && next.offer) await takeOffer(next.offer.checkoutId, !!before && before.status !== 'offered');
  renderWaitlist();
  if (before && next && before.waitlistId === next.waitlistId) tell(before, next);
}

/** Re-reads the buyer's entry: on live news, after a reconnect, when the offer's checkout ends. */
async function rereadEntry(): Promise<void> {
  if (!entry || !currentUser()) return;
  const seq = ++reads;
  const r = await api.waitlistEntry(entry.waitlistId);
  if (seq !== reads || !r.ok || r.body.waitlistId !== entry?.waitlistId) return;
  await showEntry(r.body);
}

/** A live `waitlist:changed` of this showtime: an offer for someone (places in line move), or the line closed. */
export function waitlistNews(): void {
  if (active(entry)) void rereadEntry();
}

/** On opening a showtime: the buyer's newest entry for it, if any (one they left is history). */
export async function openWaitlist(): Promise<void> {
  entry = null;
  offer = null;
  invited = null;
  const showtimeId = state.showtime?.id;
  renderWaitlist();
  if (!currentUser() || showtimeId === undefined) return;
  const seq = ++reads;
  const r = await api.waitlist({ limit: 100 });
  if (seq !== reads || !r.ok || state.showtime?.id !== showtimeId) return;
  const mine = r.body.items.find((e) => e.showtimeId === showtimeId);
  await showEntry(mine && mine.status !== 'left' ? mine : null);
}

/** The page left the showtime. */
export function closeWaitlist(): void {
  entry = null;
  offer = null;
  invited = null;
  reads += 1;
}

/** "Best seats for N" was refused: the line is offered for N seats. */
export function inviteToWaitlist(count: number): void {
  invited = count;
  renderWaitlist();
  byId('waitlist-count', HTMLSelectElement).value = String(Math.min(count, maxSeats()));
}

/** After a sign-in the panel asked for: the buyer's hold and entry, as on opening the showtime. */
function signedIn(): void {
  void restoreOpenCheckout();
  void openWaitlist();
}

async function join(): Promise<void> {
  const showtime = state.showtime;
  if (!showtime) return;
  if (!currentUser()) {
    showAuth(signedIn, 'Sign in or create an account to join the waitlist.');
    return;
  }
  const button = byId('waitlist-join', HTMLButtonElement);
  const count = Number(byId('waitlist-count', HTMLSelectElement).value);
  button.disabled = true;
  const r = await api.joinWaitlist(showtime.id, { count });
  button.disabled = false;
  if (r.ok) {
    invited = null;
    await showEntry(r.body);
    byId('waitlist-leave').focus();
    const say = `You are number ${r.body.position} in the waitlist for ${plural(count, 'seat')}.`;
    notice(say, 'ok', 5000);
    announce(say);
    return;
  }
  const details = r.error.details ?? {};
  if (r.status === 409 && typeof details.waitlistId === 'string') {
    // Joined from another tab: show that entry.
    const mine = await api.waitlistEntry(details.waitlistId);
    if (mine.ok) await showEntry(mine.body);
    return;
  }
  if (r.status === 409 && details.reason === 'seats-available') {
    invited = null;
    state.watch?.resync('waitlist');
    renderWaitlist();
    const say = `${plural(count, 'seat')} can be booked now: pick them on the map, or let us find the best ones.`;
    notice(say, 'info', 8000);
    announce(say);
    return;
  }
  if (r.status === 401) {
    showAuth(signedIn, 'Your session has ended; sign in again.');
    return;
  }
  notice(errorText(r), 'error');
}

async function leave(): Promise<void> {
  if (!entry) return;
  const button = byId('waitlist-leave', HTMLButtonElement);
  button.disabled = true;
  const offerId = entry.offer?.checkoutId;
  const r = await api.leaveWaitlist(entry.waitlistId);
  button.disabled = false;
  if (!r.ok) {
    notice(errorText(r), 'error');
    return rereadEntry();
  }
  reads += 1;
  entry = r.body;
  offer = null;
  // The offer's seats go back to the line (still held): the seat map alone would not show the hold ended.
  if (offerId && state.checkout?.checkoutId === offerId) holdEnded('CANCELLED');
  renderWaitlist();
  if (byId('waitlist-panel').hidden) state.seatMap?.focus();
  else byId('waitlist-title').focus();
  notice('You left the waitlist.', 'info', 5000);
  announce('You left the waitlist.');
}

async function payOffer(): Promise<void> {
  if (!offer) return;
  if (state.checkout) {
    notice('Pay for or release the seats you are holding first.', 'info', 4000);
    return;
  }
  const r = await api.checkout(offer.checkoutId);
  if (r.ok && r.body.status === 'AWAITING_PAYMENT') startCheckout(r.body);
  else await rereadEntry();
}

export function wireWaitlist(): void {
  byId('waitlist-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void join();
  });
  byId('waitlist-signin').addEventListener('click', () => void join());
  byId('waitlist-leave').addEventListener('click', () => void leave());
  byId('waitlist-pay').addEventListener('click', () => void payOffer());
  onCheckoutClosed((checkoutId) => {
    if (entry?.offer?.checkoutId === checkoutId) void settled(checkoutId);
  });
}

/**
 * The offer's checkout ended (paid, expired, released): the entry says booked
 * or lapsed from the same commit, except after a release still under way
 * (202), so a few more reads follow while it still says offered.
 */
async function settled(checkoutId: string): Promise<void> {
  for (let i = 0; i < 10 && entry?.offer?.checkoutId === checkoutId; i++) {
    await rereadEntry();
    if (entry?.status !== 'offered') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
