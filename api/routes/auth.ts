import { AppError, conflict, unauthenticated } from '../../core/errors.js';
import { hashPassword, verifyPassword } from '../../core/password.js';
import { isDuplicateKey } from '../../db/sql.js';
import { emailTaken, findWithCredentials, getUser, insertUser, type UserView } from '../../db/users.js';
import { issueToken } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { clientIp, consume, ensureNotExhausted, record } from '../rate-limit.js';
import { route } from '../route.js';
import { AuthResult, LoginBody, RegisterBody, UserEnvelope, toUser } from '../schemas/auth.js';
import { ErrorResponse } from '../schemas/common.js';

const tags = ['auth'];
const rateLimited = { description: 'Too many attempts (see Retry-After)', schema: ErrorResponse };
const INVALID_CREDENTIALS = 'Email or password is incorrect';

/** Verified against when the email is unknown, so a wrong email costs the same time as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoy = (): Promise<string> => (decoyHash ??= hashPassword('decoy-password-never-matches'));

async function session(user: UserView, deps: AppDeps) {
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
      const taken = () => conflict('An account with this email already exists', { field: 'email' });
      if (await emailTaken(deps.ds, body.email)) throw taken();
      let user: UserView;
      try {
        user = await insertUser(deps.ds, { email: body.email, name: body.name, passwordHash: await hashPassword(body.password), role: 'user' }, deps.clock.now());
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
      const user = await findWithCredentials(deps.ds, body.email);
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
      const row = await getUser(deps.ds, user.id);
      if (!row) throw new AppError('UNAUTHENTICATED', 'The account of this token no longer exists');
      return { body: { user: toUser(row) } };
    },
  }),
];
