import type { AnyRouteSpec } from '../route.js';

/** Every /api/v1 endpoint, grouped by resource; each module exports its specs. */
export const apiRoutes: AnyRouteSpec[] = [];
