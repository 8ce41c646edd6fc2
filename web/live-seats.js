/* global setTimeout, clearTimeout */
/**
 * The live seat map of one showtime, kept in step over Socket.IO. No DOM:
 * the seat-picker page and the Node tests use this very module.
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
 */

export const JOIN_EVENT = 'showtime:join';
export const LEAVE_EVENT = 'showtime:leave';
export const SEATS_CHANGED_EVENT = 'seats:changed';
export const RESYNC_EVENT = 'live:resync';

/**
 * @param {any} socket a socket.io-client Socket
 * @param {number} showtimeId
 * @param {{
 *   fetchSnapshot: (showtimeId: number) => Promise<any>,
 *   onSnapshot?: (map: any, why: string) => void,
 *   onChange?: (event: any, map: any) => void,
 *   onError?: (error: {code: string, message: string}) => void,
 *   onState?: (state: string) => void,
 *   gapWaitMs?: number,
 *   joinTimeoutMs?: number,
 *   resyncJitterMs?: number,
 * }} opts
 */
export function watchShowtime(socket, showtimeId, opts) {
  const gapWaitMs = opts.gapWaitMs ?? 250;
  const joinTimeoutMs = opts.joinTimeoutMs ?? 5000;
  const resyncJitterMs = opts.resyncJitterMs ?? 500;
  const stats = { joins: 0, applied: 0, duplicates: 0, gaps: 0, resyncs: 0, events: 0 };
  /** @type {any} */
  let map = null;
  /** @type {Map<string|number, any>} seat id → seat of `map` */
  let index = new Map();
  /** Events above map.version + 1, or received while syncing, by version. */
  const pending = new Map();
  let syncing = false;
  let again = '';
  let stopped = false;
  let gapTimer = null;
  let retryTimer = null;
  let joinSeq = 0;
  let state = 'connecting';

  const setState = (s) => {
    if (s === state) return;
    state = s;
    opts.onState?.(s);
  };

  const onChanged = (event) => {
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
    drain();
  };

  /** Applies pending events in version order; on a remaining gap, waits a little, then refetches. */
  function drain() {
    for (const v of [...pending.keys()]) {
      if (v <= map.version) {
        pending.delete(v);
        stats.duplicates += 1;
      }
    }
    for (let next = pending.get(map.version + 1); next; next = pending.get(map.version + 1)) {
      pending.delete(next.version);
      // The seat map was laid out anew (an admin edit): its seats are not the ones we hold.
      if (next.reason === 'rebuilt') {
        resync('rebuilt');
        return;
      }
      apply(next);
    }
    if (pending.size === 0) {
      clearTimeout(gapTimer);
      gapTimer = null;
      return;
    }
    if (gapTimer) return;
    stats.gaps += 1;
    const waitingFor = map.version + 1;
    gapTimer = setTimeout(() => {
      gapTimer = null;
      if (!stopped && map && map.version < waitingFor) resync('gap');
      else if (!stopped && map) drain();
    }, gapWaitMs);
  }

  function apply(event) {
    for (const change of event.changes) {
      const seat = index.get(change.seatId);
      if (!seat || seat.status === change.status) continue;
      map.counts[seat.status] -= 1;
      seat.status = change.status;
      map.counts[seat.status] += 1;
    }
    map.version = event.version;
    stats.applied += 1;
    opts.onChange?.(event, map);
  }

  function setSnapshot(snapshot, why) {
    if (map && snapshot.version < map.version) {
      // Older than what we have (a slow response): keep ours, still drain the buffer.
      drain();
      return;
    }
    map = snapshot;
    index = new Map(map.seats.map((s) => [s.id, s]));
    opts.onSnapshot?.(map, why);
    drain();
  }

  function finishSync() {
    syncing = false;
    if (again && !stopped) {
      const why = again;
      again = '';
      resync(why);
    } else if (map) {
      drain();
    }
  }

  function join(why) {
    if (stopped) return;
    clearTimeout(retryTimer);
    if (!socket.connected) return; // the 'connect' handler joins
    syncing = true;
    stats.joins += 1;
    const seq = ++joinSeq;
    socket.timeout(joinTimeoutMs).emit(JOIN_EVENT, { showtimeId }, (err, ack) => {
      if (stopped || seq !== joinSeq) return; // superseded by a later join
      if (err || !ack) {
        syncing = false;
        retryTimer = setTimeout(() => join(why), 1000);
        return;
      }
      if (!ack.ok) {
        syncing = false;
        pending.clear();
        if (ack.error?.code === 'RATE_LIMITED' && ack.error.details?.retryAfterMs !== undefined) {
          retryTimer = setTimeout(() => join(why), ack.error.details.retryAfterMs + 100);
        }
        opts.onError?.(ack.error ?? { code: 'INTERNAL', message: 'join refused' });
        return;
      }
      setState('live');
      setSnapshot(ack.snapshot, why);
      finishSync();
    });
  }

  /** Refetches the snapshot (REST); events keep being buffered meanwhile. */
  function resync(why) {
    if (stopped) return;
    if (syncing) {
      again = why;
      return;
    }
    syncing = true;
    stats.resyncs += 1;
    clearTimeout(gapTimer);
    gapTimer = null;
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

  const onConnect = () => join(map ? 'reconnect' : 'join');
  const onDisconnect = () => {
    setState('reconnecting');
    clearTimeout(gapTimer);
    gapTimer = null;
  };
  const onResyncHint = () => {
    if (!map) return;
    setTimeout(() => resync('server'), Math.random() * resyncJitterMs);
  };

  socket.on(SEATS_CHANGED_EVENT, onChanged);
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on(RESYNC_EVENT, onResyncHint);
  if (socket.connected) join('join');

  return {
    get map() {
      return map;
    },
    get state() {
      return state;
    },
    stats,
    /** Refetches the snapshot now (e.g. after this client's own hold was refused). */
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
      if (socket.connected) socket.emit(LEAVE_EVENT, { showtimeId });
    },
  };
}
