import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { showtimeRoom } from '../activities/seat-events.js';
import { createRedis } from '../core/redis.js';
import { seatMapCache, type SeatMap } from '../db/queries/seat-map.js';
import type { AppDeps } from './deps.js';
import type { ApiMetrics } from './metrics.js';

/**
 * Live seats: Socket.IO on the API node's own HTTP server, with the Redis
 * adapter so that `seats:changed`, emitted by the worker through
 * @socket.io/redis-emitter, reaches the sockets of every API node.
 *
 * Protocol (docs/live-seats.md):
 *   client → `showtime:join {showtimeId}` + ack → `{ok:true, snapshot}` | `{ok:false, error}`
 *   client → `showtime:leave {showtimeId}` (+ optional ack `{ok:true}`)
 *   server → room `showtime:{id}`: `seats:changed {showtimeId, version, changes, reason}`
 *   server → every socket of a node: `live:resync {reason}` when the node's
 *            Redis subscription was re-established (events may have been lost).
 */
export const JOIN_EVENT = 'showtime:join';
export const LEAVE_EVENT = 'showtime:leave';
export const RESYNC_EVENT = 'live:resync';

export interface LiveSeatsLimits {
  /** Join attempts a socket may make per window (re-joins and refused joins count too). */
  joinsPerWindow: number;
  windowMs: number;
  /** Showtimes one socket may watch at once. */
  maxRooms: number;
  /** A socket whose joins are refused this many times in one window is disconnected. */
  disconnectAfterRefusals: number;
}

export const DEFAULT_LIVE_LIMITS: LiveSeatsLimits = {
  joinsPerWindow: 20,
  windowMs: 10_000,
  maxRooms: 5,
  disconnectAfterRefusals: 100,
};

export type LiveErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'RATE_LIMITED' | 'INTERNAL';

export interface LiveError {
  code: LiveErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type JoinAck = { ok: true; snapshot: SeatMap } | { ok: false; error: LiveError };
export type LeaveAck = { ok: true } | { ok: false; error: LiveError };

const ShowtimeRef = z.object({ showtimeId: z.number().int().positive().max(2 ** 31 - 1) });

export interface LiveSeatsOptions {
  /** The node's metrics; its `sockets` gauge follows the open connections. */
  metrics?: Pick<ApiMetrics, 'sockets'>;
  limits?: Partial<LiveSeatsLimits>;
}

export interface LiveSeats {
  io: Server;
  /** Disconnects every socket of this node and closes its Redis clients. Does not close the HTTP server. */
  close(): Promise<void>;
}

interface SocketState {
  joins: number[];
  refusals: number;
  refusalsWindowStart: number;
  /** Rooms joined or being joined (a join in flight counts against maxRooms). */
  rooms: Set<number>;
}

/** Attaches Socket.IO (websocket + polling) with the Redis adapter to an API node's HTTP server. */
export function attachLiveSeats(httpServer: HttpServer, deps: AppDeps, opts: LiveSeatsOptions = {}): LiveSeats {
  const limits: LiveSeatsLimits = { ...DEFAULT_LIVE_LIMITS, ...opts.limits };
  const log = deps.log.child({ component: 'live-seats' });
  const pub = createRedis(deps.config.REDIS_URL, 'sockets-pub', deps.log);
  const sub = createRedis(deps.config.REDIS_URL, 'sockets-sub', deps.log);
  watchRedis(pub, 'pub', log);
  watchRedis(sub, 'sub', log);

  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub),
    transports: ['polling', 'websocket'],
    // Client messages are a showtime id; nothing legitimate comes near this.
    maxHttpBufferSize: 4096,
    serveClient: true,
  });

  // The subscriber reconnected (or connected late): events published while it
  // was away are gone, so every socket of this node is told to refetch. The
  // PING is queued after ioredis's automatic re-(p)subscribe, so by its reply
  // the subscription is live again and a refetch cannot miss anything.
  sub.on('ready', () => {
    setImmediate(() => {
      void sub
        .ping()
        .catch(() => undefined)
        .then(() => {
          const watchers = io.of('/').sockets.size;
          if (watchers > 0) log.info({ sockets: watchers }, 'redis subscription restored; asking clients to resync');
          io.local.emit(RESYNC_EVENT, { reason: 'redis-reconnected' });
        });
    });
  });

  io.on('connection', (socket) => {
    opts.metrics?.sockets.inc();
    const state: SocketState = { joins: [], refusals: 0, refusalsWindowStart: Date.now(), rooms: new Set() };
    socket.on('disconnect', () => opts.metrics?.sockets.dec());

    socket.on(JOIN_EVENT, (payload: unknown, ack?: unknown) => {
      void join(socket, state, payload).then((reply) => {
        if (typeof ack === 'function') ack(reply);
        if (!reply.ok) refused(socket, state);
      });
    });

    socket.on(LEAVE_EVENT, (payload: unknown, ack?: unknown) => {
      const parsed = ShowtimeRef.safeParse(payload);
      let reply: LeaveAck;
      if (!parsed.success) {
        reply = { ok: false, error: invalid(parsed.error) };
      } else {
        void socket.leave(showtimeRoom(parsed.data.showtimeId));
        state.rooms.delete(parsed.data.showtimeId);
        reply = { ok: true };
      }
      if (typeof ack === 'function') ack(reply);
    });
  });

  async function join(socket: Socket, state: SocketState, payload: unknown): Promise<JoinAck> {
    // Every attempt counts towards the window, except those the window itself refuses.
    const now = Date.now();
    state.joins = state.joins.filter((t) => t > now - limits.windowMs);
    if (state.joins.length >= limits.joinsPerWindow) {
      const retryAfterMs = state.joins[0]! + limits.windowMs - now;
      return {
        ok: false,
        error: { code: 'RATE_LIMITED', message: `At most ${limits.joinsPerWindow} joins per ${limits.windowMs / 1000} s`, details: { limit: 'joins', retryAfterMs } },
      };
    }
    state.joins.push(now);

    const parsed = ShowtimeRef.safeParse(payload);
    if (!parsed.success) return { ok: false, error: invalid(parsed.error) };
    const { showtimeId } = parsed.data;
    const already = state.rooms.has(showtimeId);
    if (!already && state.rooms.size >= limits.maxRooms) {
      return {
        ok: false,
        error: { code: 'RATE_LIMITED', message: `At most ${limits.maxRooms} showtimes per connection; leave one first`, details: { limit: 'rooms', max: limits.maxRooms } },
      };
    }
    state.rooms.add(showtimeId);

    // Join first, read second: a change committed after the read is published
    // after its commit, hence after the join, so it reaches this socket; a
    // change committed before the read is in the snapshot. Events that arrive
    // before the ack are the client's to buffer (docs/live-seats.md).
    const room = showtimeRoom(showtimeId);
    await socket.join(room);
    try {
      const reply = await seatMapCache(deps.ds).read(showtimeId, deps.clock.now());
      if (!reply) {
        await forget(socket, state, showtimeId, already);
        return { ok: false, error: { code: 'NOT_FOUND', message: `showtime ${showtimeId} not found`, details: { showtimeId } } };
      }
      return { ok: true, snapshot: JSON.parse(reply.body().toString('utf8')) as SeatMap };
    } catch (e) {
      log.error({ err: e, showtimeId }, 'seat map snapshot failed');
      await forget(socket, state, showtimeId, already);
      return { ok: false, error: { code: 'INTERNAL', message: 'The seat map could not be read; try again' } };
    }
  }

  async function forget(socket: Socket, state: SocketState, showtimeId: number, keep: boolean): Promise<void> {
    if (keep) return; // a failed re-join leaves an earlier, working subscription alone
    state.rooms.delete(showtimeId);
    await socket.leave(showtimeRoom(showtimeId));
  }

  function refused(socket: Socket, state: SocketState): void {
    const now = Date.now();
    if (now - state.refusalsWindowStart > limits.windowMs) {
      state.refusalsWindowStart = now;
      state.refusals = 0;
    }
    state.refusals += 1;
    if (state.refusals >= limits.disconnectAfterRefusals) {
      log.warn({ socket: socket.id, address: socket.handshake.address }, 'disconnecting a socket that floods joins');
      socket.disconnect(true);
    }
  }

  return {
    io,
    async close() {
      io.local.disconnectSockets(true);
      io.engine.close();
      // Not adapter.close(): its UNSUBSCRIBEs are fire-and-forget and one of them is still
      // pending when QUIT closes the connection, which surfaces as an unhandled rejection.
      // QUIT ends the subscriptions with the connection anyway.
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

function invalid(error: z.ZodError): LiveError {
  return {
    code: 'VALIDATION_FAILED',
    message: 'Expected {showtimeId: positive integer}',
    details: { issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  };
}

/** Logs Redis trouble once per outage (ioredis retries on its own) and the recovery. */
function watchRedis(redis: Redis, role: string, log: AppDeps['log']): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ role, err: err.message }, 'socket.io redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ role }, 'socket.io redis connection restored');
  });
}
