import type { ActivityDeps } from './deps.js';
import { withFailureMapping } from './failures.js';
import { createMailDelivery } from './mail-delivery.js';
import { createNotificationActivities } from './notifications.js';
import { createPaymentActivities } from './payment-steps.js';
import { createReservationActivities } from './reservation.js';
import { createSeatActivities } from './seats.js';
import { createWaitlistActivities } from './waitlist.js';

export type { ActivityDeps } from './deps.js';

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const deliver = createMailDelivery(deps);
  const seats = createSeatActivities(deps, deliver);
  const payments = createPaymentActivities(deps);
  return withFailureMapping({
    ...seats,
    ...payments,
    ...createReservationActivities(seats, payments, deps.clock),
    ...createNotificationActivities(deps, deliver),
    ...createWaitlistActivities(deps, deliver),
  });
}

export type Activities = ReturnType<typeof createActivities>;
