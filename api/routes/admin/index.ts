import { adminHallRoutes } from './halls.js';
import { adminMovieRoutes } from './movies.js';
import { adminActorRoutes, adminGenreRoutes } from './people-and-genres.js';
import { adminPromoCodeRoutes } from './promo-codes.js';
import { adminReportRoutes } from './reports.js';
import { adminShowtimeRoutes } from './showtimes.js';
import { adminTicketTypeRoutes } from './ticket-types.js';
import { adminUserRoutes } from './users.js';

/** The box-office admin API (role admin): catalog, halls, showtimes, users, reports, ticket types and promo codes. */
export const adminRoutes = [
  ...adminMovieRoutes,
  ...adminGenreRoutes,
  ...adminActorRoutes,
  ...adminHallRoutes,
  ...adminShowtimeRoutes,
  ...adminUserRoutes,
  ...adminReportRoutes,
  ...adminTicketTypeRoutes,
  ...adminPromoCodeRoutes,
];
