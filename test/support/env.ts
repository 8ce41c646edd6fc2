/**
 * Where the test services are. scripts/test exports these; the defaults let a
 * developer run `npx mocha` against the services of `scripts/stack up`.
 */
export const testEnv = {
  mysqlUrl: process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
  dbPrefix: process.env.TEST_DB_PREFIX ?? `mqt_dev${process.pid}`,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  stripeApiUrl: process.env.STRIPE_API_URL,
  /** The run's own SMTP server (test/support/mail.ts starts it before the tests run). */
  get smtpUrl(): string {
    return process.env.TEST_SMTP_URL ?? 'smtp://127.0.0.1:1025';
  },
  chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  /** Temporal's time-skipping test server, installed by scripts/test into .tools/. */
  temporalTestServer: process.env.TEMPORAL_TEST_SERVER ?? new URL('../../.tools/venv/bin/temporal-test-server', import.meta.url).pathname,
};
