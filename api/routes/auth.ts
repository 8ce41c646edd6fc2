import { QueryFailedError } from 'typeorm';
import { AppError, conflict, unauthenticated } from '../../core/errors.js';
import { hashPassword, verifyPassword } from '../../core/password.js';
import { User } from '../../db/entities/index.js';
import { issueToken } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { clientIp, consume, ensureNotExhausted, record } from '../rate-limit.js';
import { route } from '../route.js';
import { AuthResult, LoginBody, RegisterBody, UserEnvelope, toUser } from '../schemas/auth.js';
import { ErrorResponse } from '../schemas/common.js';

const tags = ['auth'];
const rateLimited = { description: 'Too many attempts (see Retry-After)', schema: ErrorResponse };
const INVALID_CREDENTIALS = 'Email or password is incorrect';

const isDuplicateKey = (e: unknown): boolean =>
  e instanceof QueryFailedError && (e.driverError as { code?: string }).code === 'ER_DUP_ENTRY';

/** Verified against when the email is unknown, so a wrong email costs the same time as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoy = (): Promise<string> => (decoyHash ??= hashPassword('decoy-password-never-matches'));

async function session(user: User, deps: AppDeps) {
  const token = await issueToken({ id: user.id, role: user.role }, deps);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.JWT_TTL_SECONDS * 1000);
  return { user: toUser(user), token, expiresAt: expiresAt.toISOString() };
}

export const authRoutes = [
  route({
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account and sign in',
    tags,
    body: RegisterBody,
    responses: {
      201: { description: 'Account created', schema: AuthResult },
      409: { description: 'Email already registered', schema: ErrorResponse },
      429: rateLimited,
    },
    handler: async ({ body, ctx }, deps) => {
      await consume(ctx, deps, 'registerPerIp', clientIp(ctx));
      await consume(ctx, deps, 'registerPerEmail', body.email);
      const users = deps.ds.getRepository(User);
      const taken = () => conflict('An account with this email already exists', { field: 'email' });
      if (await users.existsBy({ email: body.email })) throw taken();
      const user = users.create({
        email: body.email,
        name: body.name,
        passwordHash: await hashPassword(body.password),
        role: 'user',
        createdAt: deps.clock.now(),
      });
      try {
        await users.insert(user);
      } catch (e) {
        if (isDuplicateKey(e)) throw taken();
        throw e;
      }
      return { status: 201, body: await session(user, deps) };
    },
  }),

  route({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with email and password',
    tags,
    body: LoginBody,
    responses: {
      200: { description: 'Signed in', schema: AuthResult },
      401: { description: 'Email or password is incorrect', schema: ErrorResponse },
      429: rateLimited,
    },
    handler: async ({ body, ctx }, deps) => {
      const ip = clientIp(ctx);
      await consume(ctx, deps, 'loginPerIp', ip);
      await consume(ctx, deps, 'loginPerIpAndEmail', `${ip}|${body.email}`);
      await ensureNotExhausted(ctx, deps, 'loginFailuresPerAccount', body.email);
      const user = await deps.ds.getRepository(User).findOneBy({ email: body.email });
      const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoy()));
      if (!user || !ok) {
        await record(deps, 'loginFailuresPerAccount', body.email);
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      return { body: await session(user, deps) };
    },
  }),

  route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in user',
    tags,
    auth: 'user',
    responses: { 200: { description: 'The user of the token', schema: UserEnvelope } },
    handler: async ({ user }, deps) => {
      const row = await deps.ds.getRepository(User).findOneBy({ id: user.id });
      if (!row) throw new AppError('UNAUTHENTICATED', 'The account of this token no longer exists');
      return { body: { user: toUser(row) } };
    },
  }),
];
