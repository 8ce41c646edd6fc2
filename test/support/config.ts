import { loadConfig, type Config } from '../../core/config.js';
import { testEnv } from './env.js';

/** A validated Config for tests, from the same schema the processes use. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    TICKET_SECRET: 'test-ticket-secret-test-ticket-secret-0123',
    SMTP_URL: testEnv.smtpUrl,
    REDIS_URL: testEnv.redisUrl,
    // Test runs that share the Redis server never see each other's rate-limit counters or seat events.
    REDIS_PREFIX: testEnv.dbPrefix,
    TEMPORAL_ADDRESS: testEnv.temporalAddress,
    TEMPORAL_NAMESPACE: testEnv.temporalNamespace,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests of other behaviours hold seats wherever suits them; the seating tests turn the rule on.
    SINGLE_SEAT_RULE: 'off',
    ...overrides,
  });
}
