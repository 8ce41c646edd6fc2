/** The buyer's waitlist entries under "My bookings": where they stand, a way to the offer, leaving. */
import { errorText } from '../lib/api.js';
import type { ShowtimeDetail, WaitlistEntry, WaitlistStatus } from '../lib/api-types.js';
import { byId, el } from '../lib/dom.js';
import { announce, notice } from '../lib/feedback.js';
import { plural, whenText } from '../lib/format.js';
import { api } from './session.js';

const STATUS_TEXT: Record<WaitlistStatus, string> = {
  waiting: 'waiting',
  offered: 'seats held for you',
  booked: 'booked',
  lapsed: 'offer lapsed',
  left: 'left',
  closed: 'closed',
};

function standing(e: WaitlistEntry): string {
  const seats = plural(e.count, 'seat');
  if (e.status === 'waiting') return `${seats} · number ${e.position} in line`;
  if (e.status === 'offered') return `${seats} held for you: pay before the offer lapses`;
  return seats;
}

function entryItem(e: WaitlistEntry, showtime: ShowtimeDetail | undefined): HTMLLIElement {
  const title = showtime?.movie.title ?? `Showtime ${e.showtimeId}`;
  const actions = el('div', { class: 'row' });
  if (e.status === 'waiting' || e.status === 'offered') {
    actions.append(el('a', { text: e.status === 'offered' ? 'Pay now' : 'Open the showtime', attrs: { href: `#/showtimes/${e.showtimeId}` } }));
    actions.append(
      el('button', {
        class: 'link',
        text: 'Leave the waitlist',
        attrs: { type: 'button', 'aria-label': `Leave the waitlist for ${title}` },
        on: { click: () => void leave(e) },
      }),
    );
  }
  return el(
    'li',
    { class: 'card booking', attrs: { 'data-waitlist-id': e.waitlistId, 'data-status': e.status } },
    el('div', { class: 'head' }, el('strong', { text: title }), el('span', { class: 'badge', text: STATUS_TEXT[e.status], attrs: { 'data-waitlist-status': e.status } })),
    showtime ? el('span', { class: 'muted', text: `${whenText(showtime.startsAt)} · ${showtime.hall.name}` }) : null,
    el('span', { text: standing(e) }),
    actions,
  );
}

/** The entries (those the buyer left are history), each with its showtime read once. */
export async function renderMyWaitlist(): Promise<void> {
  const section = byId('my-waitlist');
  const r = await api.waitlist({ limit: 20 });
  const entries = r.ok ? r.body.items.filter((e) => e.status !== 'left') : [];
  section.hidden = entries.length === 0;
  if (!r.ok) return notice(errorText(r), 'error');
  const ids = [...new Set(entries.map((e) => e.showtimeId))];
  const showtimes = new Map(
    (await Promise.all(ids.map((id) => api.showtime(id)))).flatMap((s) => (s.ok ? [[s.body.id, s.body] as const] : [])),
  );
  byId('waitlist-list').replaceChildren(...entries.map((e) => entryItem(e, showtimes.get(e.showtimeId))));
}

async function leave(e: WaitlistEntry): Promise<void> {
  const r = await api.leaveWaitlist(e.waitlistId);
  if (r.ok) {
    notice('You left the waitlist.', 'info', 5000);
    announce('You left the waitlist.');
  } else {
    notice(errorText(r), 'error');
  }
  await renderMyWaitlist();
  byId('bookings-title').focus();
}
