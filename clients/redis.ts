import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';

/**
 * ioredis from a redis:// URL; commands queue while reconnecting so a Redis
 * restart is survivable. An outage is logged once when it starts and once when
 * the connection is back, instead of ioredis's "Unhandled error event" on
 * every retry.
 *
 * A queued command fails after three reconnections, which callers that await
 * it handle. `waitForRedis` keeps it queued until Redis is back instead: for
 * clients handed to a library that sends commands without handling their
 * failure (Socket.IO's Redis adapter subscribes when it is created), where a
 * failed command is an unhandled rejection that ends the process.
 */
export function createRedis(url: string, name: string, log: Logger, opts: { waitForRedis?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: `marquee:${name}`,
    maxRetriesPerRequest: opts.waitForRedis ? null : 3,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ redis: name, err: err.message }, 'redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: name }, 'redis connection restored');
  });
  return redis;
}
