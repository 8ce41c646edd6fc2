import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * ioredis from a redis:// URL; commands queue while reconnecting so a Redis
 * restart is survivable. Connection errors are logged (at most every 30 s per
 * client) instead of ioredis's "Unhandled error event" on stderr.
 */
export function createRedis(url: string, name: string, log: Logger): Redis {
  const redis = new Redis(url, {
    connectionName: `marquee:${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = now;
    log.warn({ redis: name, err: err.message }, 'redis connection error');
  });
  return redis;
}
