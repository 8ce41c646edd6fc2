import { Redis } from 'ioredis';

/** ioredis from a redis:// URL; commands queue while reconnecting so a Redis restart is survivable. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `marquee:${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
}
