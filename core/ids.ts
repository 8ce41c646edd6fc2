import { createHash } from 'node:crypto';
import { ulid } from 'ulid';

/** Checkout id = booking id = checkout workflow id (docs/architecture.md). */
export const newCheckoutId = (): string => `chk_${ulid()}`;

export const CHECKOUT_ID = /^chk_[0-9A-HJKMNP-TV-Z]{26}$/;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The checkout id an Idempotency-Key maps to, per user: a retried POST with
 * the same key reaches the same workflow without any lookup table.
 */
export function checkoutIdForKey(userId: number, key: string): string {
  const digest = createHash('sha256').update(`${userId}\u0000${key}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 17)) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 26; i++) out += CROCKFORD[Number((bits >> BigInt(5 * (25 - i) + 6)) & 31n)];
  return `chk_${out}`;
}
