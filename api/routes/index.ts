import type { AnyRouteSpec } from '../route.js';
import { adminBookingRoutes } from './admin/bookings.js';
import { bookingRoutes } from './bookings.js';
import { checkoutRoutes } from './checkouts.js';

/** Every /api/v1 endpoint, grouped by resource; each module exports its specs. */
export const apiRoutes: AnyRouteSpec[] = [...checkoutRoutes, ...bookingRoutes, ...adminBookingRoutes];
