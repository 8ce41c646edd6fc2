/**
 * The vocabulary of the audit trail (db/audit.ts): the resources an admin
 * changes and the actions recorded on each. An action is `<resource>.<verb>`.
 */
export const AuditResources = ['movie', 'genre', 'actor', 'hall', 'showtime', 'booking', 'user', 'promo-code', 'ticket-type'] as const;
export type AuditResource = (typeof AuditResources)[number];

export const AuditActions = [
  'movie.create',
  'movie.update',
  'movie.delete',
  'genre.create',
  'genre.update',
  'genre.delete',
  'actor.create',
  'actor.update',
  'actor.delete',
  'hall.create',
  'hall.update',
  'hall.delete',
  'showtime.create',
  'showtime.update',
  'showtime.delete',
  'showtime.cancel',
  'showtime.ticket-types',
  'booking.cancel',
  'booking.release',
  'user.role',
  'promo-code.create',
  'promo-code.update',
  'promo-code.delete',
  'ticket-type.update',
] as const satisfies readonly `${AuditResource}.${string}`[];
export type AuditAction = (typeof AuditActions)[number];

export const resourceOfAction = (action: AuditAction): AuditResource => action.slice(0, action.indexOf('.')) as AuditResource;

/** Longer strings are cut in an entry's changes: the trail says what changed, it is not a copy of the data. */
export const AUDIT_MAX_TEXT = 200;

/** A value as an audit entry keeps it: strings cut to AUDIT_MAX_TEXT characters (marked with …), dates as ISO instants. */
export function auditValue(v: unknown): unknown {
  if (typeof v === 'string') return v.length > AUDIT_MAX_TEXT ? `${v.slice(0, AUDIT_MAX_TEXT)}…` : v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(auditValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, auditValue(x)]));
  return v;
}

/** `{field: {from, to}}` for every field of `after` whose value differs from `before`'s (compared as the entry keeps them). */
export function changedFields(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const was = before as Record<string, unknown>;
  for (const [key, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const [a, b] = [auditValue(was[key] ?? null), auditValue(to)];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = { from: a, to: b };
  }
  return out;
}
