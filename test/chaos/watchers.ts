import type { Socket } from 'socket.io-client';
import type { ShowtimeWatch } from '../../web/src/lib/live-seats.js';
import { connectClient, seatView, watch } from '../support/live.js';
import type { WatcherView } from './audit.js';

/**
 * Live seat maps as browsers keep them: for every showtime one watcher on
 * each API node, with the pages' own watcher module over socket.io-client.
 * They reconnect by themselves after a fault (and re-join, which refetches).
 */
export interface Watchers {
  views(): WatcherView[];
  /** Joins, reconnect re-joins, refetches and events seen, summed over all watchers. */
  stats(): { watchers: number; joins: number; resyncs: number; gaps: number; events: number };
  stop(): void;
}

export function startWatchers(urls: string[], showtimeIds: number[]): Watchers {
  const all: { name: string; showtimeId: number; socket: Socket; watch: ShowtimeWatch }[] = [];
  urls.forEach((url, i) => {
    for (const showtimeId of showtimeIds) {
      const socket = connectClient(url);
      all.push({ name: `api-${i + 1}/showtime ${showtimeId}`, showtimeId, socket, watch: watch(socket, url, showtimeId) });
    }
  });
  return {
    views: () => all.map((w) => ({ name: w.name, showtimeId: w.showtimeId, view: seatView(w.watch.map) })),
    stats: () =>
      all.reduce(
        (s, w) => ({
          watchers: s.watchers + 1,
          joins: s.joins + w.watch.stats.joins,
          resyncs: s.resyncs + w.watch.stats.resyncs,
          gaps: s.gaps + w.watch.stats.gaps,
          events: s.events + w.watch.stats.events,
        }),
        { watchers: 0, joins: 0, resyncs: 0, gaps: 0, events: 0 },
      ),
    stop() {
      for (const w of all) {
        w.watch.stop();
        w.socket.close();
      }
    },
  };
}
