import { BookingTransitions, SeatTransitions, ShowtimeTransitions, WaitlistTransitions } from './domain.js';
import { AppError } from './errors.js';

const tables = { booking: BookingTransitions, seat: SeatTransitions, showtime: ShowtimeTransitions, waitlist: WaitlistTransitions };

type Kind = keyof typeof tables;
type StatusOf<K extends Kind> = keyof (typeof tables)[K] & string;

export const canTransition = <K extends Kind>(kind: K, from: StatusOf<K>, to: StatusOf<K>): boolean =>
  (tables[kind] as Record<string, readonly string[]>)[from]?.includes(to) ?? false;

/** Throws ILLEGAL_TRANSITION (a bug: never retried, answered 500) unless `from → to` is in the kind's table. */
export function assertTransition<K extends Kind>(kind: K, from: StatusOf<K>, to: StatusOf<K>, id: string | number): void {
  if (!canTransition(kind, from, to)) {
    throw new AppError('ILLEGAL_TRANSITION', `${kind} ${id} cannot go from ${from} to ${to}`, { kind, id, from, to });
  }
}

/** The statuses `to` may be reached from: what a conditional UPDATE names in its WHERE clause. */
export function sourcesOf<K extends Kind>(kind: K, to: StatusOf<K>): StatusOf<K>[] {
  return Object.entries(tables[kind] as Record<string, readonly string[]>)
    .filter(([, next]) => next.includes(to))
    .map(([from]) => from as StatusOf<K>);
}
