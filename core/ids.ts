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
export function checkoutIdForKey(userId: number, key: string): string {
  const digest = createHash('sha256').update(`${userId}\u0000${key}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 17)) bits = (bits << 8n) | BigInt(byte);
  return `chk_${toCrockford(bits >> 6n, 26)}`;
}
