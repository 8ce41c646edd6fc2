/**
 * The live seat map of one showtime, kept in step over Socket.IO. No DOM:
 * the web pages and the Node tests use this very module.
 *
 *   join:   emit `showtime:join {showtimeId}` → ack `{ok, snapshot}`; the
 *           snapshot carries `version` (the showtime's seat_version).
 *   apply:  `seats:changed` with version === current + 1 is applied; a version
 *           at or below the current one is a duplicate (publishing is
 *           at-least-once) and ignored; a higher one is a gap: it is kept, and
 *           if the missing versions have not arrived after `gapWaitMs` (events
 *           from two workers may cross) the snapshot is refetched.
 *   resync: while a join or refetch is in flight, events are buffered and
 *           applied on top of the snapshot that comes back.
 *   reconnect: the server forgets rooms with the connection, so every
 *           reconnect re-joins (and the ack is a fresh snapshot); the server's
 *           `live:resync` hint (its Redis subscription came back) refetches.
 *   waitlist: the room also carries `waitlist:changed` (an offer, or the line
 *           closed), handed to `onWaitlist` as it comes: no versions, no
 *           buffering. It names entries, not buyers: a page re-reads its own
 *           entry over REST rather than trusting it.
 */
import {
  JOIN_EVENT,
  LEAVE_EVENT,
  RESYNC_EVENT,
  SEATS_CHANGED_EVENT,
  WAITLIST_EVENT,
  type JoinAck,
  type LiveError,
  type SeatChangeSet,
  type WaitlistEvent,
} from '../../../live/protocol.js';
import type { SeatMap, SeatMapSeat } from './api-types.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** The part of a socket.io-client Socket the watcher uses. */
export interface LiveSocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener?: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emit(event: string, ...args: unknown[]): unknown };
}

export interface WatchOptions {
  fetchSnapshot: (showtimeId: number) => Promise<SeatMap>;
  onSnapshot?: (map: SeatMap, why: string) => void;
  onChange?: (event: SeatChangeSet, map: SeatMap) => void;
  onError?: (error: LiveError) => void;
  onState?: (state: LiveState) => void;
  /** News of the showtime's waitlist; a reconnect or resync may have lost some, so `onSnapshot` with a why other than 'join' is a cue to re-read too. */
  onWaitlist?: (event: WaitlistEvent) => void;
  /** How long a version gap may stay open before the snapshot is refetched (250 ms). */
  gapWaitMs?: number;
  joinTimeoutMs?: number;
  /** Spread of the refetches a server `live:resync` hint triggers (500 ms). */
  resyncJitterMs?: number;
}

export interface WatchStats {
  joins: number;
  applied: number;
  duplicates: number;
  gaps: number;
  resyncs: number;
  events: number;
}

export interface ShowtimeWatch {
  readonly map: SeatMap | null;
  readonly state: LiveState;
  readonly stats: WatchStats;
  /** Refetches the snapshot now (e.g. after this client's own hold was refused). */
  resync(why?: string): void;
  stop(): void;
}

type Timer = ReturnType<typeof setTimeout>;

export function watchShowtime(socket: LiveSocket, showtimeId: number, opts: WatchOptions): ShowtimeWatch {
  const gapWaitMs = opts.gapWaitMs ?? 250;
  const joinTimeoutMs = opts.joinTimeoutMs ?? 5000;
  const resyncJitterMs = opts.resyncJitterMs ?? 500;
  const stats: WatchStats = { joins: 0, applied: 0, duplicates: 0, gaps: 0, resyncs: 0, events: 0 };
  let map: SeatMap | null = null;
  let index = new Map<number, SeatMapSeat>();
  /** Events above map.version + 1, or received while syncing, by version. */
  const pending = new Map<number, SeatChangeSet>();
  let syncing = false;
  let again = '';
  let stopped = false;
  let gapTimer: Timer | undefined;
  let retryTimer: Timer | undefined;
  let joinSeq = 0;
  let state: LiveState = 'connecting';

  const setState = (s: LiveState): void => {
    if (s === state) return;
    state = s;
    opts.onState?.(s);
  };

  const onChanged = (event: SeatChangeSet | undefined): void => {
    if (stopped || !event || event.showtimeId !== showtimeId) return;
    stats.events += 1;
    if (syncing || !map) {
      pending.set(event.version, event);
      return;
    }
    if (event.version <= map.version) {
      stats.duplicates += 1;
      return;
    }
    pending.set(event.version, event);
    drain(map);
  };

  /** Applies pending events in version order; on a remaining gap, waits a little, then refetches. */
  function drain(current: SeatMap): void {
    for (const v of [...pending.keys()]) {
      if (v <= current.version) {
        pending.delete(v);
        stats.duplicates += 1;
      }
    }
    for (let next = pending.get(current.version + 1); next; next = pending.get(current.version + 1)) {
      pending.delete(next.version);
      // The seat map was laid out anew (an admin edit): its seats are not the ones we hold.
      if (next.reason === 'rebuilt') {
        resync('rebuilt');
        return;
      }
      apply(current, next);
    }
    if (pending.size === 0) {
      clearTimeout(gapTimer);
      gapTimer = undefined;
      return;
    }
    if (gapTimer) return;
    stats.gaps += 1;
    const waitingFor = current.version + 1;
    gapTimer = setTimeout(() => {
      gapTimer = undefined;
      if (stopped || !map) return;
      if (map.version < waitingFor) resync('gap');
      else drain(map);
    }, gapWaitMs);
  }

  function apply(current: SeatMap, event: SeatChangeSet): void {
    for (const change of event.changes) {
      const seat = index.get(change.seatId);
      if (!seat || seat.status === change.status) continue;
      current.counts[seat.status] -= 1;
      seat.status = change.status;
      current.counts[seat.status] += 1;
    }
    current.version = event.version;
    stats.applied += 1;
    opts.onChange?.(event, current);
  }

  function setSnapshot(snapshot: SeatMap, why: string): void {
    if (map && snapshot.version < map.version) {
      // Older than what we have (a slow response): keep ours, still drain the buffer.
      drain(map);
      return;
    }
    map = snapshot;
    index = new Map(snapshot.seats.map((s) => [s.id, s]));
    opts.onSnapshot?.(snapshot, why);
    drain(snapshot);
  }

  function finishSync(): void {
    syncing = false;
    if (again && !stopped) {
      const why = again;
      again = '';
      resync(why);
    } else if (map) {
      drain(map);
    }
  }

  function join(why: string): void {
    if (stopped) return;
    clearTimeout(retryTimer);
    if (!socket.connected) return; // the 'connect' handler joins
    syncing = true;
    stats.joins += 1;
    const seq = ++joinSeq;
    socket.timeout(joinTimeoutMs).emit(JOIN_EVENT, { showtimeId }, (err: Error | null, ack: JoinAck | undefined) => {
      if (stopped || seq !== joinSeq) return; // superseded by a later join
      if (err || !ack) {
        syncing = false;
        retryTimer = setTimeout(() => join(why), 1000);
        return;
      }
      if (!ack.ok) {
        syncing = false;
        pending.clear();
        // The server says when to try again: too many joins, or an outage behind it (a join that is never
        // retried would leave the page watching nothing). Other refusals (no such showtime) are final.
        const retryAfterMs = ack.error.details?.retryAfterMs;
        if (typeof retryAfterMs === 'number') {
          retryTimer = setTimeout(() => join(why), retryAfterMs + 100);
        }
        opts.onError?.(ack.error);
        return;
      }
      setState('live');
      setSnapshot(ack.snapshot, why);
      finishSync();
    });
  }

  /** Refetches the snapshot (REST); events keep being buffered meanwhile. */
  function resync(why: string): void {
    if (stopped) return;
    if (syncing) {
      again = why;
      return;
    }
    syncing = true;
    stats.resyncs += 1;
    clearTimeout(gapTimer);
    gapTimer = undefined;
    opts
      .fetchSnapshot(showtimeId)
      .then((snapshot) => {
        if (stopped) return;
        setSnapshot(snapshot, why);
        finishSync();
      })
      .catch(() => {
        syncing = false;
        if (!stopped) retryTimer = setTimeout(() => resync(why), 1000);
      });
  }

  const onConnect = (): void => join(map ? 'reconnect' : 'join');
  const onDisconnect = (): void => {
    setState('reconnecting');
    clearTimeout(gapTimer);
    gapTimer = undefined;
  };
  const onWaitlist = (event: WaitlistEvent | undefined): void => {
    if (!stopped && event?.showtimeId === showtimeId) opts.onWaitlist?.(event);
  };
  const onResyncHint = (): void => {
    if (!map) return;
    setTimeout(() => resync('server'), Math.random() * resyncJitterMs);
  };

  socket.on(SEATS_CHANGED_EVENT, onChanged);
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on(RESYNC_EVENT, onResyncHint);
  socket.on(WAITLIST_EVENT, onWaitlist);
  if (socket.connected) join('join');

  return {
    get map() {
      return map;
    },
    get state() {
      return state;
    },
    stats,
    resync: (why = 'manual') => resync(why),
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(gapTimer);
      clearTimeout(retryTimer);
      socket.off(SEATS_CHANGED_EVENT, onChanged);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off(RESYNC_EVENT, onResyncHint);
      socket.off(WAITLIST_EVENT, onWaitlist);
      if (socket.connected) socket.emit(LEAVE_EVENT, { showtimeId });
    },
  };
}
