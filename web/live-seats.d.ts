/** Types of web/live-seats.js, for the Node tests and the benchmark that drive the page's own client logic. */

export declare const JOIN_EVENT = 'showtime:join';
export declare const LEAVE_EVENT = 'showtime:leave';
export declare const SEATS_CHANGED_EVENT = 'seats:changed';
export declare const RESYNC_EVENT = 'live:resync';

export type LiveSeatStatus = 'available' | 'held' | 'booked';

export interface LiveSeat {
  id: number;
  label: string;
  row: string;
  number: number;
  type: string;
  price: number;
  status: LiveSeatStatus;
  gridRow: number;
  gridCol: number;
}

export interface LiveSeatMap {
  showtimeId: number;
  version: number;
  rows: number;
  cols: number;
  seats: LiveSeat[];
  counts: Record<LiveSeatStatus, number>;
}

export interface LiveSeatsChanged {
  showtimeId: number;
  version: number;
  changes: { seatId: number; status: LiveSeatStatus }[];
  reason: string;
}

/** The part of a socket.io-client Socket the watcher uses. */
export interface LiveSocket {
  readonly connected: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: string, listener?: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  emit(event: string, ...args: any[]): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  timeout(ms: number): { emit(event: string, ...args: any[]): unknown };
}

export interface WatchOptions {
  fetchSnapshot: (showtimeId: number) => Promise<LiveSeatMap>;
  onSnapshot?: (map: LiveSeatMap, why: string) => void;
  onChange?: (event: LiveSeatsChanged, map: LiveSeatMap) => void;
  onError?: (error: { code: string; message: string; details?: Record<string, unknown> }) => void;
  onState?: (state: 'connecting' | 'live' | 'reconnecting') => void;
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
  readonly map: LiveSeatMap | null;
  readonly state: 'connecting' | 'live' | 'reconnecting';
  readonly stats: WatchStats;
  resync(why?: string): void;
  stop(): void;
}

export declare function watchShowtime(socket: LiveSocket, showtimeId: number, opts: WatchOptions): ShowtimeWatch;
