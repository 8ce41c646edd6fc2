import type { AnyRouteSpec } from '../route.js';
import { adminRoutes } from './admin/index.js';
import { authRoutes } from './auth.js';
import { bookingRoutes } from './bookings.js';
import { catalogRoutes } from './catalog.js';
import { checkoutRoutes } from './checkouts.js';
import { showtimeRoutes } from './showtimes.js';
import { ticketRoutes } from './tickets.js';
import { waitlistRoutes } from './waitlist.js';
import { webhookRoutes } from './webhooks.js';

/** Every /api/v1 endpoint, grouped by resource; each module exports its specs. */
export const apiRoutes: AnyRouteSpec[] = [
  ...authRoutes,
  ...catalogRoutes,
  ...showtimeRoutes,
  ...checkoutRoutes,
  ...bookingRoutes,
  ...ticketRoutes,
  ...waitlistRoutes,
  ...webhookRoutes,
  ...adminRoutes,
];
