import { Emitter } from '@socket.io/redis-emitter';
import type { Logger } from '../core/logger.js';
import { createRedis } from '../core/redis.js';
import type { SeatChangeSet } from '../workflows/contracts.js';

export const SEATS_CHANGED_EVENT = 'seats:changed';
export const showtimeRoom = (showtimeId: number): string => `showtime:${showtimeId}`;

/** Where committed seat changes go to reach every watching browser. */
export interface SeatEventPublisher {
  publish(change: SeatChangeSet): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes through the Socket.IO Redis emitter: every API node's Redis
 * adapter receives it and forwards it to the sockets in the showtime's room.
 */
export function createSeatEventPublisher(redisUrl: string, log: Logger): SeatEventPublisher {
  const redis = createRedis(redisUrl, 'seat-events');
  const emitter = new Emitter(redis);
  return {
    async publish(change) {
      emitter.to(showtimeRoom(change.showtimeId)).emit(SEATS_CHANGED_EVENT, change);
      log.debug({ showtimeId: change.showtimeId, version: change.version, reason: change.reason }, 'seats changed');
    },
    async close() {
      await redis.quit();
    },
  };
}
