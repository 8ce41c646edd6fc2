import { AppError } from '../core/errors.js';
import { seatingPolicy } from '../core/hold-rules.js';
import { checkoutIdForOffer } from '../core/ids.js';
import { OpenBookingStatuses } from '../core/domain.js';
import * as bookings from '../db/bookings.js';
import * as checkouts from '../db/checkouts.js';
import * as notifications from '../db/notifications.js';
import * as showtimes from '../db/showtimes.js';
import * as waitlist from '../db/waitlist.js';
import { publishCommitted } from '../live/publisher.js';
import type { ActivityDeps } from './deps.js';
import type { DeliverMail } from './mail-delivery.js';

export type { WaitlistOffer } from '../db/checkouts.js';

/**
 * The waitlist's steps (docs/waitlist.md): offer free seats to those in line,
 * tell a buyer of their offer, close the line. The workflow that calls them
 * holds no state of its own: the line and the offers are rows.
 */
export function createWaitlistActivities(deps: ActivityDeps, deliver: DeliverMail) {
  const { ds, clock, settings, publisher, log } = deps;

  /**
   * Offers the seats free for the waitlist to those in line, each offer a
   * hold for its buyer, and gives seats held for the line whose grace ended
   * back to everyone. Answers the offers whose checkout the workflow must
   * start (new ones, and any a crash left unstarted) and when the next grace
   * ends (the workflow looks again then), or `open: false` once the showtime
   * no longer sells (started or cancelled): the line closes.
   */
  async function offerSeatsToWaitlist(input: { showtimeId: number }): Promise<{ open: boolean; offers: checkouts.WaitlistOffer[]; graceEndsAt?: string | null }> {
    const showtime = await showtimes.basics(ds, input.showtimeId);
    const now = clock.now();
    if (!showtime || showtime.status !== 'scheduled' || showtime.startsAt <= now) return { open: false, offers: [] };
    const { offers, change, graceEndsAt } = await checkouts.offerToWaitlist(
      ds,
      {
        showtimeId: input.showtimeId,
        hall: showtime.hall,
        policy: seatingPolicy(settings, showtime.startsAt, now),
        provider: deps.payments.name,
        currency: showtime.currency,
        heldUntil: new Date(now.getTime() + settings.WAITLIST_OFFER_SECONDS * 1000),
        now,
      },
      checkoutIdForOffer,
    );
    await publishCommitted(publisher, [change], log);
    if (offers.length > 0) log.info({ showtimeId: input.showtimeId, offers: offers.map((o) => ({ entryId: o.entryId, seats: o.seatIds.length })) }, 'waitlist offers');
    return { open: true, offers, graceEndsAt: graceEndsAt?.toISOString() ?? null };
  }

  /**
   * Tells an entry's buyer that seats are held for them, once their checkout
   * can be paid (its payment intent exists): a live event for their page and
   * an email (at most once). Retried until then; an offer that ended first is
   * not announced.
   */
  async function announceOffer(input: { showtimeId: number; entryId: string; checkoutId: string }): Promise<void> {
    const offer = await bookings.getState(ds, input.checkoutId);
    if (!offer || !OpenBookingStatuses.includes(offer.status)) return;
    if (offer.status === 'HOLDING') throw new AppError('SERVICE_UNAVAILABLE', `the offer ${input.checkoutId} cannot be paid yet`);
    const queued = await notifications.queueOnce(
      ds,
      { userId: offer.userId, subjectId: input.entryId, kind: 'waitlist_offer', channel: 'email', body: `offer ${input.checkoutId}` },
      clock.now(),
    );
    if (queued) {
      await publisher
        .publishWaitlist({ showtimeId: input.showtimeId, kind: 'offered', entryId: input.entryId, checkoutId: input.checkoutId })
        .catch((e: unknown) => log.warn({ err: e, entryId: input.entryId }, 'waitlist offer not published; the buyer still gets the email'));
    }
    await deliver(input.entryId, 'waitlist_offer');
  }

  /** Closes the line: everyone still waiting is told, on the page and by email (at most once each). */
  async function closeWaitlist(input: { showtimeId: number }): Promise<void> {
    const showtime = await showtimes.basics(ds, input.showtimeId);
    const now = clock.now();
    const closed = await waitlist.closeWaiting(ds, input.showtimeId, now);
    if (closed.length > 0) {
      const reason = showtime?.status === 'cancelled' ? ('cancelled' as const) : ('started' as const);
      await publisher
        .publishWaitlist({ showtimeId: input.showtimeId, kind: 'closed', reason })
        .catch((e: unknown) => log.warn({ err: e, showtimeId: input.showtimeId }, 'waitlist closing not published'));
      log.info({ showtimeId: input.showtimeId, closed: closed.length, reason }, 'waitlist closed');
    }
    for (const entryId of await waitlist.closedOf(ds, input.showtimeId)) await deliver(entryId, 'waitlist_closed');
  }

  return { offerSeatsToWaitlist, announceOffer, closeWaitlist };
}
