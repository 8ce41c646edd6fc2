import { getState } from '../db/bookings.js';
import { queueOnce } from '../db/notifications.js';
import type { ActivityDeps } from './deps.js';
import type { DeliverMail } from './mail-delivery.js';

/** The confirmation email: queued in the outbox (one row per booking and kind), then sent at most once. */
export function createNotificationActivities(deps: ActivityDeps, deliver: DeliverMail) {
  const { ds, clock } = deps;

  async function sendConfirmation(input: { checkoutId: string }): Promise<void> {
    const booking = await getState(ds, input.checkoutId);
    if (!booking) return;
    await queueOnce(ds, { userId: booking.userId, bookingId: input.checkoutId, kind: 'booking_confirmed', channel: 'email', body: 'confirmed: tickets sent' }, clock.now());
    await deliver(input.checkoutId, 'booking_confirmed');
  }

  return { sendConfirmation };
}
