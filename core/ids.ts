import { createHash } from 'node:crypto';
import { ulid } from 'ulid';

/** Checkout id = booking id = checkout workflow id (docs/architecture.md). */
export const newCheckoutId = (): string => `chk_${ulid()}`;

export const CHECKOUT_ID = /^chk_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Crockford's base 32: digits and capitals without I, L, O, U, so codes read and type without confusion. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The low `length` × 5 bits of `value` in Crockford base 32, most significant first. */
export function toCrockford(value: bigint, length: number): string {
  let out = '';
  for (let i = length - 1; i >= 0; i--) out += CROCKFORD[Number((value >> BigInt(5 * i)) & 31n)];
  return out;
}

/**
 * The checkout id an Idempotency-Key maps to, per user: a retried POST with
 * the same key reaches the same workflow without any lookup table.
 */
export const checkoutIdForKey = (userId: number, key: string): string => checkoutIdOf(`${userId}\u0000${key}`);

/** The checkout of a waitlist entry's offer: one per entry, found again by a retried offer step. */
export const checkoutIdForOffer = (entryId: string): string => checkoutIdOf(`waitlist-offer\u0000${entryId}`);

/** A checkout id derived from `seed`: 130 bits of its SHA-256, in the checkout id's form. */
function checkoutIdOf(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 17)) bits = (bits << 8n) | BigInt(byte);
  return `chk_${toCrockford(bits >> 6n, 26)}`;
}

/** A waitlist entry's id. */
export const newWaitlistId = (): string => `wl_${ulid()}`;

export const WAITLIST_ID = /^wl_[0-9A-HJKMNP-TV-Z]{26}$/;
