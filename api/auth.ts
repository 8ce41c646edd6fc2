import { webcrypto } from 'node:crypto';
import type { Context } from 'koa';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { AppError, forbidden, unauthenticated } from '../core/errors.js';
import { Roles, roleAtLeast, type Role } from '../core/domain.js';
import { tokenStateOf, type TokenState } from '../db/users.js';
import type { AppDeps } from './deps.js';

export interface AuthUser {
  id: number;
  role: Role;
}

/** What a token says: who, the role at issue time, and the user's token version it was issued under. */
export interface TokenClaims extends AuthUser {
  tokenVersion: number;
}

const ISSUER = 'marquee';
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
/** The HMAC key, imported once per secret: given raw bytes, jose would import them again on every token. */
function secretKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

export async function issueToken(claims: TokenClaims, deps: Pick<AppDeps, 'config' | 'clock'>): Promise<string> {
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ role: claims.role, tv: claims.tokenVersion })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.id))
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.JWT_TTL_SECONDS)
    .sign(await secretKey(deps.config.JWT_SECRET));
}

/** Checks the signature, issuer and expiry; says nothing yet about whether the session was revoked. */
export async function verifyToken(token: string, deps: Pick<AppDeps, 'config' | 'clock'>): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, await secretKey(deps.config.JWT_SECRET), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: deps.clock.now(),
    });
    const id = Number(payload.sub);
    const role = payload.role;
    // Tokens issued before token versions existed carry none: they count as version 0, as every user started.
    const tokenVersion = payload.tv ?? 0;
    if (!Number.isInteger(id) || id <= 0 || !Roles.includes(role as Role) || !Number.isInteger(tokenVersion)) throw unauthenticated('Invalid token');
    return { id, role: role as Role, tokenVersion: tokenVersion as number };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
    throw unauthenticated('Invalid token');
  }
}

/**
 * Each user's token version and role, per process, for TOKEN_STATE_TTL_MS.
 * Every authenticated request is checked against them, so a revocation (a
 * password change, a role change, sign out everywhere) ends old tokens on the
 * node that made it at once (it forgets the entry) and on every other node
 * within this long; in exchange a burst of requests of one session (a page
 * load, polling) costs one primary-key read, not one each. Concurrent misses
 * for one user share one read.
 */
export const TOKEN_STATE_TTL_MS = 2_000;

const caches = new WeakMap<DataSource, LRUCache<number, TokenState>>();

function tokenStates(ds: DataSource): LRUCache<number, TokenState> {
  let cache = caches.get(ds);
  if (!cache) {
    cache = new LRUCache<number, TokenState>({
      max: 50_000,
      ttl: TOKEN_STATE_TTL_MS,
      // An unknown user is not cached: its tokens fail anyway, and a later insert must not be hidden.
      fetchMethod: async (id) => (await tokenStateOf(ds, id)) ?? undefined,
    });
    caches.set(ds, cache);
  }
  return cache;
}

/** Call after changing a user's token version or role, so this node stops accepting old tokens at once. */
export function forgetTokenState(deps: Pick<AppDeps, 'ds'>, userId: number): void {
  tokenStates(deps.ds).delete(userId);
}

const SESSION_ENDED = 'Session ended: sign in again';

/** The user of a verified token as they are now (the stored role), or a 401 when the token was revoked. */
async function currentUser(claims: TokenClaims, deps: Pick<AppDeps, 'ds'>): Promise<AuthUser> {
  const state = await tokenStates(deps.ds).fetch(claims.id);
  if (!state || state.tokenVersion !== claims.tokenVersion) throw unauthenticated(SESSION_ENDED);
  return { id: claims.id, role: state.role };
}

/**
 * Reads the bearer token: signature and expiry, then the user's current token
 * version (cached briefly, above). The role that counts is the stored one.
 */
export async function authenticate(ctx: Context, deps: AppDeps, need: Role): Promise<AuthUser>;
export async function authenticate(ctx: Context, deps: AppDeps, need: 'optional'): Promise<AuthUser | undefined>;
export async function authenticate(
  ctx: Context,
  deps: AppDeps,
  need: Role | 'optional',
): Promise<AuthUser | undefined> {
  const header = ctx.get('authorization');
  if (!header) {
    if (need === 'optional') return undefined;
    throw unauthenticated();
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) {
    if (need === 'optional') return undefined;
    throw unauthenticated('Authorization header must be "Bearer <token>"');
  }
  const check = async (token: string) => currentUser(await verifyToken(token, deps), deps);
  // On public endpoints a stale or revoked token is ignored: browsing must not break when a session ends.
  const ignoreUnauthenticated = (e: unknown): undefined => {
    if (e instanceof AppError && e.code === 'UNAUTHENTICATED') return undefined;
    throw e;
  };
  const user = need === 'optional' ? await check(match[1]).catch(ignoreUnauthenticated) : await check(match[1]);
  if (!user) return undefined;
  if (need !== 'optional' && !roleAtLeast(user.role, need)) throw forbidden(`${need === 'admin' ? 'Admin' : 'Staff'} role required`);
  ctx.state.user = user;
  return user;
}
