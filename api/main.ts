import { createServer } from 'node:http';
import { systemClock } from '../core/clock.js';
import { loadConfigOrExit } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createRedis } from '../clients/redis.js';
import { connectTemporalClient } from '../clients/temporal.js';
import { createDataSource, DATABASE_STARTUP_WAIT_MS, initializeWhenReachable } from '../db/data-source.js';
import { createPaymentProvider } from '../payments/index.js';
import { createSeatEventPublisher } from '../live/publisher.js';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';
import { attachLiveSeats } from '../live/server.js';

const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL, { component: 'api', port: config.PORT });
const ds = createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
await initializeWhenReachable(ds, {
  waitMs: DATABASE_STARTUP_WAIT_MS,
  onWait: (e, attempt) => log.warn({ err: e.message, attempt }, 'database unreachable at start; waiting for it'),
});
const redis = createRedis(config.REDIS_URL, 'api', log);
const temporal = await connectTemporalClient(config);
const deps: AppDeps = {
  config,
  ds,
  redis,
  temporal,
  payments: createPaymentProvider(config, ds, systemClock),
  publisher: createSeatEventPublisher(config.REDIS_URL, config.REDIS_PREFIX, log),
  clock: systemClock,
  log,
};
const app = createApp(deps);
const server = createServer(app.koa.callback());
server.keepAliveTimeout = 65_000;
const live = attachLiveSeats(server, deps, { sockets: app.metrics.sockets });
server.listen(config.PORT, () => log.info({ port: config.PORT }, 'api listening'));

/** In-flight requests get this long to finish after SIGTERM (orchestrators usually wait 30 s before SIGKILL). */
const DRAIN_DEADLINE_MS = 20_000;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'api draining');
  // Stop accepting, disconnect sockets (clients reconnect to another node),
  // let in-flight requests finish, then close pools.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() only ends connections idle at that moment; keep-alive connections whose
  // request finishes later are ended as they go idle, and all of them at the deadline.
  const reaper = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
  await live.close();
  await closed;
  clearInterval(reaper);
  clearTimeout(deadline);
  await Promise.allSettled([ds.destroy(), redis.quit(), deps.publisher.close(), temporal.connection.close()]);
  log.info('api stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
