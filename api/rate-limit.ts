import type { Context } from 'koa';
import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../core/errors.js';

/**
 * Brute-force and abuse limits for the credential endpoints. Counters live in
 * Redis (keys `<REDIS_PREFIX>:rl:<rule>:<key>`), so every API node shares them; if Redis is
 * unreachable each node falls back to an in-memory counter with the same
 * rule rather than failing the request. docs/api.md lists them.
 */
export interface LimitRule {
  /** Attempts allowed per window. */
  points: number;
  /** Window length in seconds. */
  duration: number;
}

export const RATE_LIMITS = {
  /** Every login attempt, per client IP. */
  loginPerIp: { points: 30, duration: 60 },
  /** Every login attempt, per client IP and email. */
  loginPerIpAndEmail: { points: 10, duration: 60 },
  /** Failed logins per account (email), from any IP: slows distributed guessing. */
  loginFailuresPerAccount: { points: 50, duration: 15 * 60 },
  /** Every registration attempt, per client IP. */
  registerPerIp: { points: 5, duration: 60 },
  /** Registration attempts per email, from any IP. */
  registerPerEmail: { points: 5, duration: 60 * 60 },
  /** Wrong current passwords when changing the password, per account: a stolen token must not become a password oracle. */
  passwordChangeFailuresPerUser: { points: 5, duration: 15 * 60 },
} satisfies Record<string, LimitRule>;

export type LimitName = keyof typeof RATE_LIMITS;

type Limiters = Record<LimitName, RateLimiterAbstract>;

const byClient = new WeakMap<Redis, Limiters>();

function limiters(redis: Redis, redisPrefix: string): Limiters {
  let l = byClient.get(redis);
  if (!l) {
    const make = (name: LimitName): RateLimiterAbstract => {
      const rule = RATE_LIMITS[name];
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${redisPrefix}:rl:${name}`,
        points: rule.points,
        duration: rule.duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.duration }),
      });
    };
    l = {
      loginPerIp: make('loginPerIp'),
      loginPerIpAndEmail: make('loginPerIpAndEmail'),
      loginFailuresPerAccount: make('loginFailuresPerAccount'),
      registerPerIp: make('registerPerIp'),
      registerPerEmail: make('registerPerEmail'),
      passwordChangeFailuresPerUser: make('passwordChangeFailuresPerUser'),
    };
    byClient.set(redis, l);
  }
  return l;
}

function tooMany(ctx: Context, name: LimitName, msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  ctx.set('Retry-After', String(seconds));
  return new AppError('RATE_LIMITED', `Too many attempts; retry in ${seconds} s`, { limit: name, retryAfterSeconds: seconds });
}

/** What the limits need: the shared Redis and the deployment's key prefix. */
export interface LimitStore {
  redis: Redis;
  config: Pick<Config, 'REDIS_PREFIX'>;
}

const limiterOf = (store: LimitStore, name: LimitName): RateLimiterAbstract => limiters(store.redis, store.config.REDIS_PREFIX)[name];

/** Counts one attempt against the rule; throws 429 RATE_LIMITED (with Retry-After) when the window is used up. */
export async function consume(ctx: Context, store: LimitStore, name: LimitName, key: string): Promise<void> {
  try {
    await limiterOf(store, name).consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw tooMany(ctx, name, e.msBeforeNext);
    throw e;
  }
}

/** Throws 429 if the rule's window is already used up, without counting an attempt. */
export async function ensureNotExhausted(ctx: Context, store: LimitStore, name: LimitName, key: string): Promise<void> {
  const res = await limiterOf(store, name).get(key);
  if (res && res.consumedPoints >= RATE_LIMITS[name].points) throw tooMany(ctx, name, res.msBeforeNext);
}

/** Counts one event (e.g. a failed login) without refusing the current request. */
export async function record(store: LimitStore, name: LimitName, key: string): Promise<void> {
  await limiterOf(store, name).consume(key).catch((e: unknown) => {
    if (!(e instanceof RateLimiterRes)) throw e;
  });
}

/**
 * The client address: the socket's peer, or with TRUST_PROXY=n the address
 * the n-th proxy from the API saw, taken from X-Forwarded-For (api/app.ts
 * sets Koa's proxy and maxIpsCount); what a client wrote in front of that is ignored.
 */
export const clientIp = (ctx: Context): string => ctx.ip || 'unknown';
