import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * Admission before any workflow starts. At an on-sale hundreds of requests
 * ask for the same seats at once; without this each would start a workflow
 * and queue on the seat rows only to be refused there. A request first claims
 * its seats in Redis, all of them or none, in one script: a request whose
 * seats another checkout has claimed is answered 409 at once. The claims are
 * given back as soon as the hold has an answer (then the rows tell).
 *
 * The claims of a showtime are one hash, `<prefix>:claims:{st<id>}`, seat id →
 * `<owner> <expires at, ms>`: one key, so a request's claims stay together on
 * a Redis Cluster, and best-available can ask which seats are being taken.
 *
 * A request with a promo code that has a redemption limit also claims one of
 * the code's redemptions left (`<prefix>:promo-claims:{p<id>}`, owner →
 * expires at): when as many requests are in flight as the code has
 * redemptions left, the next is answered 422 PROMO_CODE_INVALID (exhausted)
 * at once instead of queueing on the code's row only to be refused there.
 *
 * The row-locked hold stays the only arbiter: a claim only ever refuses
 * requests that would race an in-flight hold for the same seats (or the last
 * redemptions of a code). If Redis is unreachable, admission is skipped (the
 * request takes the path it took before), and a claim left by a crashed API
 * node expires after CLAIM_TTL_MS.
 */

/** Longer than a hold normally takes, short enough that a lost claim blocks a free seat only briefly. */
export const CLAIM_TTL_MS = 5_000;
/** Admission never delays a request by more than this: past it, the request goes on unclaimed. */
const REDIS_WAIT_MS = 250;

const NOW_MS = `local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS[1]: the showtime's claims. ARGV: owner, ttl ms, seat ids. Returns the seat ids another owner holds; claims all when none. */
const CLAIM = `${NOW_MS}
local taken = {}
for i = 3, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v then
    local owner, expires = string.match(v, '^(%S+) (%d+)$')
    if owner ~= ARGV[1] and tonumber(expires) > now then taken[#taken + 1] = tonumber(ARGV[i]) end
  end
end
if #taken > 0 then return taken end
local value = ARGV[1] .. ' ' .. (now + tonumber(ARGV[2]))
for i = 3, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], value) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return taken`;

/** KEYS[1]: the showtime's claims. ARGV: owner, seat ids. Deletes the claims the owner still holds. */
const RELEASE = `
for i = 2, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.match(v, '^(%S+) ') == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0`;

/** KEYS[1]: the showtime's claims. Returns the seat ids claimed now, dropping the claims that ran out. */
const CLAIMED = `${NOW_MS}
local claimed = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local expires = tonumber(string.match(all[i + 1], ' (%d+)$'))
  if expires > now then claimed[#claimed + 1] = tonumber(all[i]) else redis.call('HDEL', KEYS[1], all[i]) end
end
return claimed`;

/** KEYS[1]: a promo code's claims. ARGV: owner, ttl ms, redemptions left. Returns 1 and claims one when fewer others are in flight, else 0. */
const CLAIM_REDEMPTION = `${NOW_MS}
local others = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) <= now then redis.call('HDEL', KEYS[1], all[i])
  elseif all[i] ~= ARGV[1] then others = others + 1 end
end
if others >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

export interface AdmissionDeps {
  redis: Redis;
  config: Pick<Config, 'REDIS_PREFIX'>;
  log: Logger;
}

export interface Admission {
  /** Gives the claims back (the hold has answered). Never throws. */
  release(): Promise<void>;
}

const claimsKey = (prefix: string, showtimeId: number): string => `${prefix}:claims:{st${showtimeId}}`;

function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const NOTHING_CLAIMED: Admission = { release: async () => undefined };

/**
 * Claims the seats for `checkoutId` (a retry of the same checkout owns its
 * claims already), or refuses with SEATS_UNAVAILABLE naming the seats another
 * checkout is holding right now.
 */
export async function admit(deps: AdmissionDeps, showtimeId: number, seatIds: readonly number[], checkoutId: string): Promise<Admission> {
  const ids = [...new Set(seatIds)].sort((a, b) => a - b);
  const key = claimsKey(deps.config.REDIS_PREFIX, showtimeId);
  if (deps.redis.status !== 'ready') return NOTHING_CLAIMED;
  let taken: number[];
  try {
    taken = (await bounded(deps.redis.eval(CLAIM, 1, key, checkoutId, CLAIM_TTL_MS, ...ids))) as number[];
  } catch (e) {
    deps.log.warn({ err: (e as Error).message }, 'admission skipped: redis unavailable');
    return NOTHING_CLAIMED;
  }
  if (taken.length > 0) {
    throw new AppError('SEATS_UNAVAILABLE', 'Some of these seats are no longer available', { seatIds: [...taken].sort((a, b) => a - b) });
  }
  return {
    release: async () => {
      await bounded(deps.redis.eval(RELEASE, 1, key, checkoutId, ...ids)).catch((e: unknown) =>
        deps.log.warn({ err: (e as Error).message, checkoutId }, 'seat claims not released; they expire on their own'),
      );
    },
  };
}

const promoClaimsKey = (prefix: string, promoId: number): string => `${prefix}:promo-claims:{p${promoId}}`;

/**
 * Claims one of the `left` redemptions a promo code has for `checkoutId`, or
 * refuses (false) when that many other requests are in flight with it.
 * Without Redis nothing is claimed and nothing refused.
 */
export async function admitRedemption(deps: AdmissionDeps, promoId: number, left: number, checkoutId: string): Promise<Admission | false> {
  const key = promoClaimsKey(deps.config.REDIS_PREFIX, promoId);
  if (deps.redis.status !== 'ready') return NOTHING_CLAIMED;
  try {
    if (Number(await bounded(deps.redis.eval(CLAIM_REDEMPTION, 1, key, checkoutId, CLAIM_TTL_MS, Math.max(0, left)))) === 0) return false;
  } catch (e) {
    deps.log.warn({ err: (e as Error).message }, 'promo admission skipped: redis unavailable');
    return NOTHING_CLAIMED;
  }
  return {
    release: async () => {
      await bounded(deps.redis.hdel(key, checkoutId)).catch((e: unknown) =>
        deps.log.warn({ err: (e as Error).message, checkoutId }, 'promo claim not released; it expires on its own'),
      );
    },
  };
}

/** Both admissions, released together. */
export const bothAdmitted = (a: Admission, b: Admission): Admission => ({
  release: async () => {
    await Promise.all([a.release(), b.release()]);
  },
});

/** The seats of a showtime other requests are claiming right now; none when Redis cannot say. */
export async function claimedSeats(deps: AdmissionDeps, showtimeId: number): Promise<Set<number>> {
  if (deps.redis.status !== 'ready') return new Set();
  try {
    return new Set((await bounded(deps.redis.eval(CLAIMED, 1, claimsKey(deps.config.REDIS_PREFIX, showtimeId)))) as number[]);
  } catch {
    return new Set();
  }
}
