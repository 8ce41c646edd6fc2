import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { createRedis } from '../clients/redis.js';
import { SEATS_CHANGED_EVENT, showtimeRoom, socketIoChannelKey, WAITLIST_EVENT, type SeatChangeSet, type WaitlistEvent } from './protocol.js';

/** Where committed seat changes (and waitlist news) go to reach every watching browser. */
export interface SeatEventPublisher {
  publish(change: SeatChangeSet): Promise<void>;
  publishWaitlist(event: WaitlistEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tells watchers about committed changes: after the commit, never inside the
 * transaction. A lost publish only costs watchers a refetch (they see the
 * version gap on the next change), so it is logged and never fails the caller.
 */
export async function publishCommitted(publisher: SeatEventPublisher, changes: readonly (SeatChangeSet | null)[], log: Logger): Promise<void> {
  await Promise.all(
    changes.map((change) =>
      change ? publisher.publish(change).catch((e: unknown) => log.warn({ err: e, showtimeId: change.showtimeId }, 'seat change not published')) : undefined,
    ),
  );
}

/** A showtime whose seat map was laid out anew (seat ids changed): watchers refetch it. */
export const rebuilt = ({ showtimeId, version }: { showtimeId: number; version: number }): SeatChangeSet => ({
  showtimeId,
  version,
  changes: [],
  reason: 'rebuilt',
});

/**
 * Publishes through the Socket.IO Redis emitter: every API node's Redis
 * adapter receives it and forwards it to the sockets in the showtime's room.
 */
export function createSeatEventPublisher(redisUrl: string, redisPrefix: string, log: Logger): SeatEventPublisher {
  const redis = createRedis(redisUrl, 'seat-events', log);
  const key = socketIoChannelKey(redisPrefix);
  return {
    async publish(change) {
      await emitAndConfirm(redis, key, (emitter) => emitter.to(showtimeRoom(change.showtimeId)).emit(SEATS_CHANGED_EVENT, change));
      log.debug({ showtimeId: change.showtimeId, version: change.version, reason: change.reason }, 'seats changed');
    },
    async publishWaitlist(event) {
      await emitAndConfirm(redis, key, (emitter) => emitter.to(showtimeRoom(event.showtimeId)).emit(WAITLIST_EVENT, event));
    },
    async close() {
      await redis.quit();
    },
  };
}

/**
 * The emitter's PUBLISH is fire-and-forget: while Redis is down it would
 * resolve at once and its failure would surface later as an unhandled
 * rejection (which stops a Node process). This runs one emit through a client
 * that keeps the PUBLISH promise and awaits it, bounded: it fails at once
 * while Redis is known to be down and after `timeoutMs` if the reply does not
 * come, so a seat step that publishes after its commit is never held up by
 * Redis for long. A failed publish costs watchers a refetch (versions), and
 * nothing is left unhandled.
 */
export async function emitAndConfirm(redis: Redis, key: string, emit: (emitter: Emitter) => void, timeoutMs = 500): Promise<void> {
  if (redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end') {
    throw new Error(`redis is ${redis.status}: seat change not published`);
  }
  const sent: Promise<unknown>[] = [];
  const client = { publish: (channel: string, message: string | Buffer) => sent.push(redis.publish(channel, message)) };
  emit(new Emitter(client, { key }));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(sent),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not confirm the PUBLISH within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
