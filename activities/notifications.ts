import { summaryOf } from '../db/bookings.js';
import { queueOnce } from '../db/notifications.js';
import type { ActivityDeps } from './deps.js';

/** Confirmation messages. The notifications row is the outbox a mailer would drain; one per booking and kind. */
export function createNotificationActivities(deps: ActivityDeps) {
  const { ds, clock, log } = deps;

  async function sendConfirmation(input: { checkoutId: string }): Promise<void> {
    const b = await summaryOf(ds, input.checkoutId);
    if (!b) return;
    const body =
      `Your booking ${input.checkoutId} is confirmed: ${b.title}, ${b.startsAt.toISOString()} in ${b.hall}, ` +
      `seats ${b.seatLabels.join(', ')}, total ${(b.amount / 100).toFixed(2)} ${b.currency}.`;
    if (await queueOnce(ds, { userId: b.userId, bookingId: input.checkoutId, kind: 'booking_confirmed', channel: 'email', body }, clock.now())) {
      log.info({ checkoutId: input.checkoutId, userId: b.userId }, 'confirmation queued');
    }
  }

  return { sendConfirmation };
}
