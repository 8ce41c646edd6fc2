import { AppError } from '../core/errors.js';
import * as notifications from '../db/notifications.js';
import { ticketedBooking } from '../db/tickets.js';
import * as waitlist from '../db/waitlist.js';
import { OpenBookingStatuses } from '../core/domain.js';
import { cancellationMail, confirmationMail } from '../mail/messages.js';
import { closedMail, offerMail } from '../mail/waitlist-messages.js';
import type { ComposedMail } from '../mail/transport.js';
import { ticketsOf } from '../tickets/codes.js';
import type { ActivityDeps } from './deps.js';

/** How long past its send deadline a claim is kept, for the sender to record how the send ended. */
const SETTLE_MARGIN_MS = 5_000;

const busy = (message: string): AppError => new AppError('SERVICE_UNAVAILABLE', message);

/**
 * Sends a booking's queued email of one kind at most once (docs/tickets.md,
 * Email). The outbox row is claimed (a conditional update: one claimant) only
 * once the message is built and the mail server has greeted us, so an outage
 * or a crash before that leaves the row pending for the next try. Once
 * claimed, the row is never sent again unless the server refused it: a send
 * cut off mid-way (a crash, a broken connection, no answer in time) is marked
 * `unknown`, because the server may have taken it.
 *
 * Throws a retryable failure while the email still has to go out (server
 * unreachable, a temporary refusal, another attempt holding the claim), so
 * the step that calls it is retried; returns once the row is settled.
 */
export function createMailDelivery(deps: ActivityDeps) {
  const { ds, clock, log, mailer, settings } = deps;
  const mailSettings = { from: settings.MAIL_FROM, timeZone: settings.CINEMA_TIME_ZONE, publicUrl: settings.PUBLIC_URL };
  const timeoutMs = settings.MAIL_SEND_TIMEOUT_SECONDS * 1000;

  /** The message of a kind about a booking or a waitlist entry, or why there is none to send any more. */
  async function compose(subjectId: string, kind: notifications.NotificationKind): Promise<ComposedMail | string> {
    if (kind === 'waitlist_closed') {
      const notice = await waitlist.noticeOf(ds, subjectId);
      return notice ? closedMail(notice, mailSettings) : 'the waitlist entry no longer exists';
    }
    if (kind === 'waitlist_offer') {
      const entry = await waitlist.get(ds, subjectId);
      const offer = entry?.offerCheckoutId ? await ticketedBooking(ds, entry.offerCheckoutId) : null;
      if (!offer) return 'the waitlist entry has no offer';
      if (!OpenBookingStatuses.includes(offer.status)) return `the offer was ${offer.status.toLowerCase()} before its email went out`;
      return offerMail(subjectId, offer, mailSettings);
    }
    const booking = await ticketedBooking(ds, subjectId);
    if (!booking) return 'the booking no longer exists';
    if (kind === 'booking_refunded') return cancellationMail(booking, mailSettings);
    if (booking.status !== 'CONFIRMED') return `the booking was ${booking.status.toLowerCase()} before its confirmation went out`;
    return confirmationMail(booking, ticketsOf(settings.TICKET_SECRET, { ...booking, status: booking.status }), mailSettings);
  }

  return async function deliver(subjectId: string, kind: notifications.NotificationKind): Promise<void> {
    const row = await notifications.find(ds, subjectId, kind);
    if (!row) return;
    const context = { subjectId, kind, notificationId: row.id };
    if (row.status === 'sending') {
      if (row.claimedUntil && row.claimedUntil > clock.now()) throw busy(`the ${kind} email of ${subjectId} is being sent by another attempt`);
      if (await notifications.markAbandoned(ds, row.id, clock.now())) {
        log.warn({ ...context, messageId: row.messageId }, 'email send was cut off by a crash; it may have been delivered and is not sent again');
        return;
      }
      return deliver(subjectId, kind);
    }
    if (row.status !== 'pending') return;

    const mail = await compose(subjectId, kind);
    if (typeof mail === 'string') {
      await notifications.markSkipped(ds, row.id, mail);
      log.info({ ...context, reason: mail }, 'email not sent');
      return;
    }
    let session;
    try {
      session = await mailer.open();
    } catch (e) {
      const reason = `mail server unreachable: ${(e as Error).message}`;
      await notifications.noteError(ds, row.id, reason);
      throw busy(reason);
    }
    try {
      const until = new Date(clock.now().getTime() + timeoutMs + SETTLE_MARGIN_MS);
      if (!(await notifications.claim(ds, row.id, mail.messageId, until))) throw busy(`the ${kind} email of ${subjectId} was claimed by another attempt`);
      const delivery = await session.send(mail);
      switch (delivery.outcome) {
        case 'sent':
          await notifications.markSent(ds, row.id, clock.now());
          log.info({ ...context, messageId: mail.messageId }, 'email sent');
          return;
        case 'refused':
          if (delivery.permanent) {
            await notifications.markFailed(ds, row.id, delivery.reason);
            log.warn({ ...context, reason: delivery.reason }, 'email refused for good by the mail server');
            return;
          }
          await notifications.release(ds, row.id, delivery.reason);
          throw busy(`mail server refused for now: ${delivery.reason}`);
        case 'maybe-sent':
          await notifications.markUnknown(ds, row.id, delivery.reason);
          log.warn({ ...context, messageId: mail.messageId, reason: delivery.reason }, 'email send cut off; it may have been delivered and is not sent again');
          return;
      }
    } finally {
      session.close();
    }
  };
}

export type DeliverMail = ReturnType<typeof createMailDelivery>;
