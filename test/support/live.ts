import { spawn, type ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import type { AppDeps } from '../../api/deps.js';
import { createApiMetrics, type ApiMetrics } from '../../api/metrics.js';
import { attachLiveSeats, type LiveSeats, type LiveSeatsLimits } from '../../live/server.js';
import type { SeatMap } from '../../web/src/lib/api-types.js';
import { watchShowtime, type ShowtimeWatch, type WatchOptions } from '../../web/src/lib/live-seats.js';
import { startTestApi, type TestApi } from './http.js';
import { freePort } from './processes.js';

export interface LiveTestApi extends TestApi {
  live: LiveSeats;
  metrics: ApiMetrics;
}

/** startTestApi plus Socket.IO with the Redis adapter on the same server, as api/main.ts wires it. */
export async function startLiveTestApi(deps: AppDeps, opts: { limits?: Partial<LiveSeatsLimits> } = {}): Promise<LiveTestApi> {
  const api = await startTestApi(deps);
  const metrics = createApiMetrics();
  const live = attachLiveSeats(api.server, deps, { sockets: metrics.sockets, limits: opts.limits });
  return {
    ...api,
    live,
    metrics,
    async close() {
      await live.close();
      await api.close();
    },
  };
}

/** A socket.io-client connection as the page makes it: websocket only, reconnecting quickly. */
export function connectClient(baseUrl: string, opts: { transports?: ('websocket' | 'polling')[] } = {}): Socket {
  return io(baseUrl, {
    transports: opts.transports ?? ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    timeout: 5000,
  });
}

export async function connected(socket: Socket, timeoutMs = 5000): Promise<Socket> {
  if (socket.connected) return socket;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket did not connect')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return socket;
}

/** Emits with an ack and resolves with the ack's first argument. */
export async function emitWithAck<T = unknown>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as T;
}

export const fetchSeatMap = async (baseUrl: string, showtimeId: number): Promise<SeatMap> => {
  const res = await fetch(`${baseUrl}/api/v1/showtimes/${showtimeId}/seats`);
  if (!res.ok) throw new Error(`seat map: HTTP ${res.status}`);
  return (await res.json()) as SeatMap;
};

/** The pages' own watcher (web/src/lib/live-seats.ts) on a Node socket, refetching over REST from `baseUrl`. */
export function watch(socket: Socket, baseUrl: string, showtimeId: number, opts: Partial<WatchOptions> = {}): ShowtimeWatch {
  return watchShowtime(socket, showtimeId, { fetchSnapshot: (id) => fetchSeatMap(baseUrl, id), resyncJitterMs: 50, ...opts });
}

/** What a seat map shows, comparable between a watcher and REST: version and status by seat id. */
export const seatView = (map: SeatMap | null): { version: number; statuses: Record<number, string> } | null =>
  map && { version: map.version, statuses: Object.fromEntries(map.seats.map((s) => [s.id, s.status])) };

export interface PrivateRedis {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: like a crash) and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits for PING. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/**
 * A throw-away redis-server on a free port, no persistence. Tests that
 * restart Redis use one of these, never the shared server other suites use;
 * it also keeps this suite's seat events away from other suites whose
 * showtime ids may be the same numbers. `dir`: its working directory (the
 * server's own files), instead of the current one.
 */
export async function startPrivateRedis(opts: { dir?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const self: PrivateRedis = {
    port,
    url,
    async start() {
      const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(opts.dir ? ['--dir', opts.dir] : [])], {
        stdio: 'ignore',
      });
      proc = p;
      running.add(p);
      p.once('exit', () => running.delete(p));
      const deadline = Date.now() + 10_000;
      for (;;) {
        const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          // not up yet
        } finally {
          probe.disconnect();
        }
        if (Date.now() > deadline || p.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await gone;
    },
  };
  await self.start();
  return self;
}

/** Resolves with the first value `pick` returns for an event, or rejects after `timeoutMs`. */
export function nextEvent<T, R>(socket: Socket, event: string, pick: (payload: T) => R | undefined, timeoutMs = 10_000): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const onEvent = (payload: T) => {
      const v = pick(payload);
      if (v === undefined) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(v);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, onEvent);
  });
}
