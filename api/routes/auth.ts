import { AppError, conflict, forbidden, unauthenticated } from '../../core/errors.js';
import { hashPassword, verifyPassword } from '../../core/password.js';
import { isDuplicateKey } from '../../db/sql.js';
import { changePassword, emailTaken, findWithCredentials, getUser, insertUser, passwordHashOf, revokeTokens, type UserView } from '../../db/users.js';
import { forgetTokenState, issueToken } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { clientIp, consume, ensureNotExhausted, record } from '../rate-limit.js';
import { route } from '../route.js';
import { AuthResult, ChangePasswordBody, LoginBody, RegisterBody, UserEnvelope, toUser } from '../schemas/auth.js';
import { ErrorResponse } from '../schemas/common.js';

const tags = ['auth'];
const rateLimited = { description: 'Too many attempts (see Retry-After)', schema: ErrorResponse };
const INVALID_CREDENTIALS = 'Email or password is incorrect';

/** Verified against when the email is unknown, so a wrong email costs the same time as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoy = (): Promise<string> => (decoyHash ??= hashPassword('decoy-password-never-matches'));

const accountGone = (): AppError => new AppError('UNAUTHENTICATED', 'The account of this token no longer exists');

/** A new token for the user under their current token version. */
async function session(user: UserView, tokenVersion: number, deps: AppDeps) {
  const token = await issueToken({ id: user.id, role: user.role, tokenVersion }, deps);
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
      // A new account starts at token version 0 (the column's default).
      return { status: 201, body: await session(user, 0, deps) };
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
      return { body: await session(user, user.tokenVersion, deps) };
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
      if (!row) throw accountGone();
      return { body: { user: toUser(row) } };
    },
  }),

  route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change the password (needs the current one); ends every other session and answers a new token',
    tags,
    auth: 'user',
    body: ChangePasswordBody,
    responses: {
      200: { description: 'Changed: every token issued before stops working; use this new one', schema: AuthResult },
      403: { description: 'The current password is wrong', schema: ErrorResponse },
      429: rateLimited,
    },
    handler: async ({ body, user, ctx }, deps) => {
      const key = String(user.id);
      await ensureNotExhausted(ctx, deps, 'passwordChangeFailuresPerUser', key);
      const stored = await passwordHashOf(deps.ds, user.id);
      if (!stored) throw accountGone();
      if (!(await verifyPassword(body.currentPassword, stored))) {
        await record(deps, 'passwordChangeFailuresPerUser', key);
        throw forbidden('The current password is incorrect');
      }
      const version = await changePassword(deps.ds, user.id, await hashPassword(body.newPassword));
      forgetTokenState(deps, user.id);
      const row = await getUser(deps.ds, user.id);
      if (version === null || !row) throw accountGone();
      return { body: await session(row, version, deps) };
    },
  }),

  route({
    method: 'post',
    path: '/auth/logout-all',
    summary: 'Sign out everywhere: every token of this account stops working, this one too',
    tags,
    auth: 'user',
    responses: { 204: { description: 'Signed out everywhere' } },
    handler: async ({ user }, deps) => {
      if ((await revokeTokens(deps.ds, user.id)) === null) throw accountGone();
      forgetTokenState(deps, user.id);
      return { status: 204 };
    },
  }),
];
