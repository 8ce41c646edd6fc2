import { summaryOf } from '../db/bookings.js';
import { queueOnce } from '../db/notifications.js';
import type { ActivityDeps } from './deps.js';
import type { DeliverMail } from './mail-delivery.js';

/** The confirmation email: queued in the outbox (one row per booking and kind), then sent at most once. */
export function createNotificationActivities(deps: ActivityDeps, deliver: DeliverMail) {
  const { ds, clock } = deps;

  async function sendConfirmation(input: { checkoutId: string }): Promise<void> {
    const b = await summaryOf(ds, input.checkoutId);
    if (!b) return;
    const body =
      `Your booking ${input.checkoutId} is confirmed: ${b.title}, ${b.startsAt.toISOString()} in ${b.hall}, ` +
      `seats ${b.seatLabels.join(', ')}, total ${(b.amount / 100).toFixed(2)} ${b.currency}.`;
    await queueOnce(ds, { userId: b.userId, subjectId: input.checkoutId, kind: 'booking_confirmed', channel: 'email', body }, clock.now());
    await deliver(input.checkoutId, 'booking_confirmed');
  }

  return { sendConfirmation };
}
