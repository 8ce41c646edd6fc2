import type { TicketedBooking } from '../db/tickets.js';
import type { WaitlistNotice } from '../db/waitlist.js';
import { moneyText, showtimeText } from '../tickets/wording.js';
import { escapeHtml, messageIdOf, type MessageSettings } from './messages.js';
import { composeMail, type ComposedMail } from './transport.js';

/**
 * The waitlist's emails (docs/waitlist.md): seats came free and are held for
 * you, and the line has closed. Each has a Message-ID derived from the entry
 * and kind, so every copy of one message is the same message.
 */

/** Where the buyer pays for an offer: the showtime's page, which shows the held seats and the countdown. */
const showtimeLink = (publicUrl: string, showtimeId: number): string => `${publicUrl.replace(/\/+$/, '')}/#/showtimes/${showtimeId}`;

export function offerMail(entryId: string, offer: TicketedBooking, s: MessageSettings): Promise<ComposedMail> {
  const when = showtimeText(offer.showtime.startsAt, s.timeZone);
  const until = offer.holdExpiresAt ? showtimeText(offer.holdExpiresAt, s.timeZone) : 'soon';
  const seats = offer.seats.map((x) => x.label).join(', ');
  const total = moneyText(offer.amount, offer.currency);
  const link = showtimeLink(s.publicUrl, offer.showtime.id);
  const text = [
    `Hello ${offer.user.name},`,
    '',
    `seats came free for ${offer.movie.title}, ${when}, ${offer.hall.name}, and we are holding them for you: ${seats} (${total}).`,
    `Pay before ${until} to keep them: ${link}`,
    'If you do not, they go to the next person in line.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body>
<p>Hello ${escapeHtml(offer.user.name)},</p>
<p>seats came free for <strong>${escapeHtml(offer.movie.title)}</strong>, ${escapeHtml(when)}, ${escapeHtml(offer.hall.name)},
and we are holding them for you: <strong>${escapeHtml(seats)}</strong> (${escapeHtml(total)}).</p>
<p><a href="${escapeHtml(link)}">Pay before ${escapeHtml(until)}</a> to keep them. If you do not, they go to the next person in line.</p>
</body></html>`;
  return composeMail({
    from: s.from,
    to: { name: offer.user.name, address: offer.user.email },
    subject: `Seats held for you: ${offer.movie.title}, ${when}`,
    messageId: messageIdOf('waitlist_offer', entryId, s.from),
    text,
    html,
  });
}

export function closedMail(n: WaitlistNotice, s: MessageSettings): Promise<ComposedMail> {
  const when = showtimeText(n.showtime.startsAt, s.timeZone);
  const why = n.showtime.status === 'cancelled' ? 'the showtime has been cancelled' : 'the showtime has started';
  const text = [
    `Hello ${n.user.name},`,
    '',
    `the waitlist for ${n.showtime.movieTitle}, ${when}, ${n.showtime.hallName} has closed: ${why}.`,
    `No seats came free for you in time. We are sorry; we hope to see you at another showtime.`,
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body>
<p>Hello ${escapeHtml(n.user.name)},</p>
<p>the waitlist for <strong>${escapeHtml(n.showtime.movieTitle)}</strong>, ${escapeHtml(when)}, ${escapeHtml(n.showtime.hallName)} has closed: ${escapeHtml(why)}.</p>
<p>No seats came free for you in time. We are sorry; we hope to see you at another showtime.</p>
</body></html>`;
  return composeMail({
    from: s.from,
    to: { name: n.user.name, address: n.user.email },
    subject: `Waitlist closed: ${n.showtime.movieTitle}, ${when}`,
    messageId: messageIdOf('waitlist_closed', n.entryId, s.from),
    text,
    html,
  });
}
