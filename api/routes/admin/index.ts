import { adminAuditRoutes } from './audit.js';
import { adminBookingRoutes } from './bookings.js';
import { adminHallLayoutRoutes } from './hall-layouts.js';
import { adminHallRoutes } from './halls.js';
import { adminMovieRoutes } from './movies.js';
import { adminActorRoutes, adminGenreRoutes } from './people-and-genres.js';
import { adminPromoCodeRoutes } from './promo-codes.js';
import { adminReportRoutes } from './reports.js';
import { adminShowtimeRoutes } from './showtimes.js';
import { adminTicketTypeRoutes } from './ticket-types.js';
import { adminUserRoutes } from './users.js';
import { adminWaitlistRoutes } from './waitlist.js';
import { adminWorkflowActionRoutes } from './workflow-actions.js';

/**
 * The back office: catalog, halls, showtimes, ticket types and promo codes,
 * bookings and their workflow actions, users, reports and the audit trail.
 * Role admin, except reading bookings, which staff may too (docs/console.md).
 */
export const adminRoutes = [
  ...adminMovieRoutes,
  ...adminGenreRoutes,
  ...adminActorRoutes,
  ...adminHallLayoutRoutes,
  ...adminHallRoutes,
  ...adminShowtimeRoutes,
  ...adminUserRoutes,
  ...adminReportRoutes,
  ...adminBookingRoutes,
  ...adminWorkflowActionRoutes,
  ...adminAuditRoutes,
  ...adminTicketTypeRoutes,
  ...adminPromoCodeRoutes,
  ...adminWaitlistRoutes,
];
