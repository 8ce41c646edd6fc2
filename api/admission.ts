import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * Admission before any workflow starts. At an on-sale hundreds of requests
 * ask for the same seats at once; without this each would start a workflow
 * and queue on the seat rows only to be refused there. A request first claims
 * its seats in Redis: one short-lived key per seat (`SET NX PX`-like, all of a
 * request's seats or none, in one script). A request whose seats another
 * checkout has claimed is answered 409 at once. The claim is given back as
 * soon as the hold has an answer.
 *
 * The row-locked hold stays the only arbiter: a claim only ever refuses
 * requests that would race an in-flight hold for the same seats. If Redis
 * is unreachable, admission is skipped (the request takes the path it took
 * before), and a claim left by a crashed API node expires after CLAIM_TTL_MS.
 */

/** Longer than a hold normally takes, short enough that a lost claim blocks a free seat only briefly. */
export const CLAIM_TTL_MS = 5_000;
/** Admission never delays a request by more than this: past it, the request goes on unclaimed. */
const REDIS_WAIT_MS = 250;

/** KEYS: claim keys. ARGV: owner, ttl ms. Returns the 1-based indexes of the keys another owner holds; claims all when none. */
const CLAIM = `
local taken = {}
for i, k in ipairs(KEYS) do
  local owner = redis.call('GET', k)
  if owner and owner ~= ARGV[1] then taken[#taken + 1] = i end
end
if #taken > 0 then return taken end
for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return taken`;

/** KEYS: claim keys. ARGV: owner. Deletes the keys the owner still holds. */
const RELEASE = `
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end
end
return 0`;

export interface AdmissionDeps {
  redis: Redis;
  config: Pick<Config, 'REDIS_PREFIX'>;
  log: Logger;
}

export interface Admission {
  /** Gives the claims back (the hold has answered). Never throws. */
  release(): Promise<void>;
}

/** One hash slot per showtime: a request's keys stay together on a Redis Cluster. */
const claimKey = (prefix: string, showtimeId: number, seatId: number): string => `${prefix}:claim:{st${showtimeId}}:${seatId}`;

function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

const NOTHING_CLAIMED: Admission = { release: async () => undefined };

/**
 * Claims the seats for `checkoutId` (a retry of the same checkout owns its
 * claims already), or refuses with SEATS_UNAVAILABLE naming the seats another
 * checkout is holding right now.
 */
export async function admit(deps: AdmissionDeps, showtimeId: number, seatIds: readonly number[], checkoutId: string): Promise<Admission> {
  const ids = [...new Set(seatIds)].sort((a, b) => a - b);
  const keys = ids.map((id) => claimKey(deps.config.REDIS_PREFIX, showtimeId, id));
  if (deps.redis.status !== 'ready') return NOTHING_CLAIMED;
  let taken: number[];
  try {
    taken = (await bounded(deps.redis.eval(CLAIM, keys.length, ...keys, checkoutId, CLAIM_TTL_MS))) as number[];
  } catch (e) {
    deps.log.warn({ err: (e as Error).message }, 'admission skipped: redis unavailable');
    return NOTHING_CLAIMED;
  }
  if (taken.length > 0) {
    throw new AppError('SEATS_UNAVAILABLE', 'Some of these seats are no longer available', { seatIds: taken.map((i) => ids[i - 1]!) });
  }
  return {
    release: async () => {
      await bounded(deps.redis.eval(RELEASE, keys.length, ...keys, checkoutId)).catch((e: unknown) =>
        deps.log.warn({ err: (e as Error).message, checkoutId }, 'seat claims not released; they expire on their own'),
      );
    },
  };
}
