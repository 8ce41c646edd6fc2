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

/** The JWT secret of .env.example and docker-compose.yml: fine on a laptop, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
/** The ticket-signing secret of `.env.example` and Compose: anyone can forge tickets signed with it. */
export const DEVELOPMENT_TICKET_SECRET = 'dev-only-ticket-secret-change-me-0123456789';
/** The seeded admin's password when ADMIN_PASSWORD is not set: refused in production. */
export const DEFAULT_ADMIN_PASSWORD = 'marquee-admin';

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
    WAITLIST_OFFER_SECONDS: positiveInt.default(600),
    WAITLIST_GRACE_SECONDS: positiveInt.default(60),
    SINGLE_SEAT_RULE: z.enum(['on', 'off']).default('on'),
    COMPANION_RELEASE_MINUTES: z.coerce.number().int().min(0).default(60),
    BOOKING_CANCEL_CUTOFF_MINUTES: z.coerce.number().int().min(0).default(60),
    CLEANING_BUFFER_MINUTES: z.coerce.number().int().min(0).default(15),
    PAYMENTS_PROVIDER: z.enum(PaymentProviders).default('mock'),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_API_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    MAX_OPEN_CHECKOUTS_PER_USER: positiveInt.default(4),
    MAX_OPEN_CHECKOUTS_PER_SHOWTIME: positiveInt.default(2),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    JWT_TTL_SECONDS: positiveInt.default(86_400),
    TICKET_SECRET: z.string().min(32, 'must be at least 32 characters'),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
    MAIL_FROM: z.string().min(3).default('Marquee <tickets@marquee.local>'),
    // A send that has not finished by then is abandoned; it must end within the 15 s attempt of the step that sends.
    MAIL_SEND_TIMEOUT_SECONDS: positiveInt.max(12).default(10),
    CINEMA_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
    ADMIN_EMAIL: z.email().default('admin@marquee.local'),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default(DEFAULT_ADMIN_PASSWORD),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Settings = z.infer<typeof settings>;

/**
 * Values that are fine in development and must never run in production:
 * with NODE_ENV=production each one stops the process with its line. Every
 * process checks the entries whose variable it reads (the database CLI only
 * ADMIN_PASSWORD). A new secret with a development default is one more entry.
 */
export const PRODUCTION_REFUSALS: { [K in keyof Settings]?: { refuse: (value: Settings[K]) => boolean; reason: string } } = {
  JWT_SECRET: { refuse: (v) => v === DEVELOPMENT_JWT_SECRET, reason: 'is the development secret; set your own (at least 32 random characters)' },
  ADMIN_PASSWORD: { refuse: (v) => v === DEFAULT_ADMIN_PASSWORD, reason: 'is the default admin password; set your own' },
  TICKET_SECRET: { refuse: (v) => v === DEVELOPMENT_TICKET_SECRET, reason: 'is the development secret; set your own (at least 32 random characters; changing it voids issued tickets)' },
};

/** The production refusals of the variables a schema reads, as its refinement. */
function refuseDevelopmentValues(keys: readonly string[]) {
  const rules = Object.entries(PRODUCTION_REFUSALS).filter(([key]) => keys.includes(key)) as [keyof Settings, { refuse: (v: unknown) => boolean; reason: string }][];
  return (c: Partial<Settings>, ctx: z.RefinementCtx): void => {
    if (c.NODE_ENV !== 'production') return;
    for (const [key, rule] of rules) {
      if (rule.refuse(c[key])) ctx.addIssue({ code: 'custom', path: [key], message: `${rule.reason} (NODE_ENV=production)` });
    }
  };
}

const refuseInProduction = refuseDevelopmentValues(Object.keys(settings.shape));

export const ConfigSchema = settings.superRefine((c, ctx) => {
  refuseInProduction(c, ctx);
  if (c.PAYMENTS_PROVIDER !== 'stripe') return;
  for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
    if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when PAYMENTS_PROVIDER=stripe' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

/** The subset the database CLI needs, so migrating does not demand API secrets. */
const dbCliSettings = settings.pick({
  NODE_ENV: true,
  DATABASE_URL: true,
  ADMIN_EMAIL: true,
  ADMIN_PASSWORD: true,
  CLEANING_BUFFER_MINUTES: true,
  LOG_LEVEL: true,
});
export const DbCliConfigSchema = dbCliSettings.superRefine(refuseDevelopmentValues(Object.keys(dbCliSettings.shape)));

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
