import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import { systemClock } from '../core/clock.js';
import { loadConfigOrExit } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createDataSource, DATABASE_STARTUP_WAIT_MS, initializeWhenReachable } from '../db/data-source.js';
import { createActivities } from '../activities/index.js';
import { createPaymentProvider } from '../payments/index.js';
import { createSeatEventPublisher } from '../live/publisher.js';
import { createMailer } from '../mail/transport.js';
import { connectTemporalClient } from '../clients/temporal.js';
import { createCheckoutWorker } from './create-worker.js';
import { createWaitlistBell } from './waitlist-bell.js';

const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL, { component: 'worker', taskQueue: config.TASK_QUEUE });

const SDK_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

Runtime.install({
  // The SDK's logger, writing through pino so SDK lines are JSON like ours (workflow and activity ids in meta).
  logger: new DefaultLogger('DEBUG', ({ level, message, meta }) => log[SDK_LEVELS[level]](meta ?? {}, message)),
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
    metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT}` } },
  },
});

const ds = createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
await initializeWhenReachable(ds, {
  waitMs: DATABASE_STARTUP_WAIT_MS,
  onWait: (e, attempt) => log.warn({ err: e.message, attempt }, 'database unreachable at start; waiting for it'),
});
const publisher = createSeatEventPublisher(config.REDIS_URL, config.REDIS_PREFIX, log);
const temporal = await connectTemporalClient(config);
const activities = createActivities({
  ds,
  payments: createPaymentProvider(config, ds, systemClock),
  publisher,
  clock: systemClock,
  log,
  mailer: createMailer({ smtpUrl: config.SMTP_URL, timeoutMs: config.MAIL_SEND_TIMEOUT_SECONDS * 1000 }),
  waitlist: createWaitlistBell(temporal, config.TASK_QUEUE, log),
  settings: config,
});
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createCheckoutWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TASK_QUEUE, activities });

// Runtime installs SIGTERM/SIGINT handlers: the worker stops polling, lets running activities finish within
// shutdownGraceTime (or hands them back to the server), then run() resolves.
const running = worker.run();
log.info({ metricsPort: config.WORKER_METRICS_PORT }, 'worker running');
try {
  await running;
} finally {
  await Promise.allSettled([connection.close(), temporal.connection.close(), ds.destroy(), publisher.close()]);
  log.info('worker stopped');
}
