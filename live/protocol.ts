/**
 * The live-seat protocol between API nodes, the worker and browsers. Pure
 * types and names: the web client imports them too.
 *
 *   client → `showtime:join {showtimeId}` + ack → `{ok:true, snapshot}` | `{ok:false, error}`
 *   client → `showtime:leave {showtimeId}` (+ optional ack `{ok:true}`)
 *   server → room `showtime:{id}`: `seats:changed {showtimeId, version, changes, reason}`
 *   server → room `showtime:{id}`: `waitlist:changed` (an offer for an entry, someone left the line, or it closed)
 *   server → every socket of a node: `live:resync {reason}` when the node's
 *            Redis subscription was re-established (events may have been lost).
 *
 * docs/live-seats.md tells the ordering guarantees.
 */
import type { SeatStatus } from '../core/domain.js';
import type { SeatMap } from '../db/seat-map.js';

export const JOIN_EVENT = 'showtime:join';
export const LEAVE_EVENT = 'showtime:leave';
export const SEATS_CHANGED_EVENT = 'seats:changed';
export const RESYNC_EVENT = 'live:resync';
export const WAITLIST_EVENT = 'waitlist:changed';

export const showtimeRoom = (showtimeId: number): string => `showtime:${showtimeId}`;

/**
 * The Redis channel prefix of the Socket.IO adapter and emitter: one
 * deployment's events never reach another's that shares the Redis server.
 */
export const socketIoChannelKey = (redisPrefix: string): string => `${redisPrefix}:socket.io`;

/** One seat-map change, as committed in MySQL and published to watchers. */
export interface SeatChange {
  seatId: number;
  status: SeatStatus;
}

/**
 * Why seats changed. `extended`: a hold got more time (its seats stay held);
 * `offered`: the waitlist holds them for the next buyer in line;
 * `rebuilt`: the seat map was laid out anew (an admin edit), so watchers refetch it.
 */
export type SeatChangeReason = 'held' | 'extended' | 'offered' | 'released' | 'expired' | 'booked' | 'refunded' | 'rebuilt';

export interface SeatChangeSet {
  showtimeId: number;
  /** The showtime's seat_version after the change. */
  version: number;
  changes: SeatChange[];
  reason: SeatChangeReason;
}

export type LiveErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE' | 'INTERNAL';

export interface LiveError {
  code: LiveErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type JoinAck = { ok: true; snapshot: SeatMap } | { ok: false; error: LiveError };
export type LeaveAck = { ok: true } | { ok: false; error: LiveError };

export interface ResyncNotice {
  reason: string;
}

/**
 * News of a showtime's waitlist (docs/waitlist.md): seats are held for an
 * entry (its buyer's page shows the offer), or the line has closed. Entry ids
 * are unguessable and no buyer is named, so the whole room may hear it.
 */
export type WaitlistEvent =
  | { showtimeId: number; kind: 'offered'; entryId: string; checkoutId: string }
  /** Someone waiting left: the places behind them moved up. */
  | { showtimeId: number; kind: 'moved' }
  | { showtimeId: number; kind: 'closed'; reason: 'started' | 'cancelled' };
