import type { Context } from 'koa';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError, forbidden, unauthenticated } from '../core/errors.js';
import { Roles, roleAtLeast, type Role } from '../core/domain.js';
import type { AppDeps } from './deps.js';

export interface AuthUser {
  id: number;
  role: Role;
}

const ISSUER = 'marquee';
const secretKey = (secret: string): Uint8Array => new TextEncoder().encode(secret);

export async function issueToken(user: AuthUser, deps: Pick<AppDeps, 'config' | 'clock'>): Promise<string> {
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(user.id))
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.JWT_TTL_SECONDS)
    .sign(secretKey(deps.config.JWT_SECRET));
}

export async function verifyToken(token: string, deps: Pick<AppDeps, 'config' | 'clock'>): Promise<AuthUser> {
  try {
    const { payload } = await jwtVerify(token, secretKey(deps.config.JWT_SECRET), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: deps.clock.now(),
    });
    const id = Number(payload.sub);
    const role = payload.role;
    if (!Number.isInteger(id) || id <= 0 || !Roles.includes(role as Role)) throw unauthenticated('Invalid token');
    return { id, role: role as Role };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
    throw unauthenticated('Invalid token');
  }
}

/**
 * Reads the bearer token. The role travels in the token (no database read on
 * the hot path); a promotion takes effect at the user's next login.
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
  // On public endpoints a stale token is ignored: browsing must not break when a session expires.
  const user = need === 'optional' ? await verifyToken(match[1], deps).catch(() => undefined) : await verifyToken(match[1], deps);
  if (!user) return undefined;
  if (need !== 'optional' && !roleAtLeast(user.role, need)) throw forbidden(`${need === 'admin' ? 'Admin' : 'Staff'} role required`);
  ctx.state.user = user;
  return user;
}
