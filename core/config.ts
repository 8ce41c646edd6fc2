import { z } from 'zod';
import { PaymentProviders } from './domain.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const emptyAsUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().min(1).optional());
const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Every setting of the product, read from the environment once at start.
 * `.env.example` lists the same names with the same defaults; a test keeps
 * the two in step.
 */
const settings = z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port.default(3000),
    DATABASE_URL: z.url({ protocol: /^mysql$/ }).default('mysql://root@127.0.0.1:3306/marquee'),
    DATABASE_POOL_SIZE: positiveInt.default(20),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1-40 letters, digits, "_", "." or "-"')
      .default('marquee'),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[\w.-]+:\d+$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
    TASK_QUEUE: z.string().min(1).default('marquee-checkout'),
    WORKER_METRICS_PORT: port.default(9464),
    HOLD_TTL_SECONDS: positiveInt.default(600),
    MAX_SEATS_PER_CHECKOUT: positiveInt.max(50).default(10),
    HOLD_EXTENSION_SECONDS: positiveInt.default(300),
    SINGLE_SEAT_RULE: z.enum(['on', 'off']).default('on'),
    COMPANION_RELEASE_MINUTES: z.coerce.number().int().min(0).default(60),
    BOOKING_CANCEL_CUTOFF_MINUTES: z.coerce.number().int().min(0).default(60),
    CLEANING_BUFFER_MINUTES: z.coerce.number().int().min(0).default(15),
    PAYMENTS_PROVIDER: z.enum(PaymentProviders).default('mock'),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_API_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    JWT_TTL_SECONDS: positiveInt.default(86_400),
    TICKET_SECRET: z.string().min(32, 'must be at least 32 characters'),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
    MAIL_FROM: z.string().min(3).default('Marquee <tickets@marquee.local>'),
    // A send that has not finished by then is abandoned; it must end within the 15 s attempt of the step that sends.
    MAIL_SEND_TIMEOUT_SECONDS: positiveInt.max(12).default(10),
    CINEMA_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
    ADMIN_EMAIL: z.email().default('admin@marquee.local'),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('marquee-admin'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const ConfigSchema = settings.superRefine((c, ctx) => {
  if (c.PAYMENTS_PROVIDER !== 'stripe') return;
  for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
    if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when PAYMENTS_PROVIDER=stripe' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

/** The subset the database CLI needs, so migrating does not demand API secrets. */
export const DbCliConfigSchema = settings.pick({
  DATABASE_URL: true,
  ADMIN_EMAIL: true,
  ADMIN_PASSWORD: true,
  CLEANING_BUFFER_MINUTES: true,
  LOG_LEVEL: true,
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message is one line naming each bad variable. */
export function loadConfig<S extends z.ZodType = typeof ConfigSchema>(
  env: NodeJS.ProcessEnv = process.env,
  schema: S = ConfigSchema as unknown as S,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const name = i.path.join('.') || '(environment)';
    const raw = env[name];
    if (raw !== undefined) return `${name} ${i.message} (got ${JSON.stringify(raw)})`;
    return i.code === 'custom' ? `${name} ${i.message}` : `${name} is required (not set)`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** For process entry points: a bad value stops the process with one clear line. */
export function loadConfigOrExit<S extends z.ZodType = typeof ConfigSchema>(
  env: NodeJS.ProcessEnv = process.env,
  schema: S = ConfigSchema as unknown as S,
): z.infer<S> {
  try {
    return loadConfig(env, schema);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  }
}
