import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Gauge } from 'prom-client';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { createRedis } from '../clients/redis.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Sql } from '../db/sql.js';
import { seatMapCache, type SeatMap } from '../db/seat-map.js';
import {
  JOIN_EVENT,
  LEAVE_EVENT,
  RESYNC_EVENT,
  showtimeRoom,
  socketIoChannelKey,
  type JoinAck,
  type LeaveAck,
  type LiveError,
} from './protocol.js';

/** How soon a client whose join failed on an outage joins again. */
const JOIN_RETRY_MS = 1000;

/**
 * Live seats: Socket.IO on an API node's own HTTP server, with the Redis
 * adapter so that `seats:changed`, emitted by the worker through
 * @socket.io/redis-emitter, reaches the sockets of every API node. The
 * protocol is in ./protocol.ts.
 */
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

const ShowtimeRef = z.object({ showtimeId: z.number().int().positive().max(2 ** 31 - 1) });

export interface LiveSeatsOptions {
  /** Follows the node's open connections. */
  sockets?: Gauge;
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
export interface LiveSeatsDeps {
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'>;
  /** Where join snapshots are read. */
  ds: Sql;
  clock: Clock;
  log: Logger;
}

export function attachLiveSeats(httpServer: HttpServer, deps: LiveSeatsDeps, opts: LiveSeatsOptions = {}): LiveSeats {
  const limits: LiveSeatsLimits = { ...DEFAULT_LIVE_LIMITS, ...opts.limits };
  const log = deps.log.child({ component: 'live-seats' });
  const pub = createRedis(deps.config.REDIS_URL, 'sockets-pub', log, { waitForRedis: true });
  const sub = createRedis(deps.config.REDIS_URL, 'sockets-sub', log, { waitForRedis: true });

  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub, { key: socketIoChannelKey(deps.config.REDIS_PREFIX) }),
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
    opts.sockets?.inc();
    const state: SocketState = { joins: [], refusals: 0, refusalsWindowStart: Date.now(), rooms: new Set() };
    socket.on('disconnect', () => opts.sockets?.dec());

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
      // An outage (the database restarting): the client joins again after retryAfterMs, or it would watch nothing.
      return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'The seat map could not be read; joining again shortly', details: { retryAfterMs: JOIN_RETRY_MS } } };
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
