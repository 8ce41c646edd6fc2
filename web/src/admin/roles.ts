/**
 * Roles and labels as the console shows them. The lists are typed against the
 * server's vocabularies (core/domain, core/audit): a status, role or resource
 * added there fails the web type-check until it has its label here.
 */
import type { AuditResource } from '../../../core/audit.js';
import type { BookingStatus, Role } from '../../../core/domain.js';
import type { User } from '../lib/api-types.js';

export type { Role, User };

export const roleText: Record<Role, string> = { user: 'customer', staff: 'staff', admin: 'admin' };
const ROLES = Object.keys(roleText) as Role[];
export const roles = (): Role[] => [...ROLES];

/** The same order as core/domain's Roles: each may do what the ones before it may. */
export const roleAtLeastText = (role: Role, need: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(need);

export const statusText: Record<BookingStatus, string> = {
  HOLDING: 'holding',
  AWAITING_PAYMENT: 'awaiting payment',
  CONFIRMED: 'confirmed',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
  REFUNDED: 'refunded',
};
export const bookingStatuses = (): BookingStatus[] => Object.keys(statusText) as BookingStatus[];

export const resourceText: Record<AuditResource, string> = {
  movie: 'movie',
  genre: 'genre',
  actor: 'actor',
  hall: 'hall',
  showtime: 'showtime',
  booking: 'booking',
  user: 'user',
  'promo-code': 'promo code',
  'ticket-type': 'ticket type',
};
export const auditResources = (): AuditResource[] => Object.keys(resourceText) as AuditResource[];
