import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { RATE_LIMITS } from '../../api/rate-limit.js';
import { hashPassword } from '../../core/password.js';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * Rate-limit counters live in the shared Redis for up to an hour, so every
 * test uses client addresses (IPv6 documentation prefix, only ever a header)
 * and emails that no other run can have used.
 */
const freshIp = (): string => `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;
const freshEmail = (tag: string): string => `${tag}-${randomUUID().slice(0, 12)}@example.test`;

function expectError(res: { status: number; body: unknown }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body).to.have.nested.property('error.code', code);
  expect(res.body).to.have.nested.property('error.message').that.is.a('string');
}

describe('accounts: registration, login, roles, rate limits', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;

  const register = (body: unknown, ip = freshIp()) =>
    api.request('POST', '/api/v1/auth/register', { body, headers: { 'x-forwarded-for': ip } });
  const login = (email: string, password: string, ip = freshIp()) =>
    api.request('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
  const userCount = async (): Promise<number> => Number((await deps.ds.query('SELECT COUNT(*) AS n FROM users'))[0].n);

  async function newUser(role: 'user' | 'admin' = 'user', password = 'secret-pass-1') {
    const email = freshEmail(role);
    const r = await deps.ds.query('INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)', [
      email,
      `Test ${role}`,
      await hashPassword(password),
      role,
      new Date(),
    ]);
    const id = Number(r.insertId);
    return { id, email, password, token: await issueToken({ id, role }, deps) };
  }

  before(async () => {
    deps = await createTestDeps('accounts');
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  describe('register', () => {
    it('creates a user (email trimmed and lower-cased) and returns a working token', async () => {
      const email = freshEmail('Ada');
      const before = Date.now();
      const res = await register({ email: `  ${email.toUpperCase()} `, password: 'Analytical-1', name: '  Ada Lovelace ' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ email: email.toLowerCase(), name: 'Ada Lovelace', role: 'user' });
      expect(res.body.user).to.have.keys('id', 'email', 'name', 'role', 'createdAt');
      expect(res.body.token).to.be.a('string');
      const ttlMs = deps.config.JWT_TTL_SECONDS * 1000;
      expect(Date.parse(res.body.expiresAt)).to.be.within(before + ttlMs - 1000, Date.now() + ttlMs + 1000);
      const me = await api.request('GET', '/api/v1/auth/me', { token: res.body.token });
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.equal({ user: res.body.user });
      const [row] = await deps.ds.query('SELECT password_hash FROM users WHERE id = ?', [res.body.user.id]);
      expect(row.password_hash).to.match(/^scrypt\$/).and.not.include('Analytical-1');
    });

    it('refuses an email that is already registered, in any case, with 409 and stores nothing', async () => {
      const email = freshEmail('dup');
      expect((await register({ email, password: 'first-pass-1', name: 'First' })).status).to.equal(201);
      const n = await userCount();
      const res = await register({ email: email.toUpperCase(), password: 'second-pass-2', name: 'Second' });
      expectError(res, 409, 'CONFLICT');
      expect(await userCount()).to.equal(n);
    });

    it('enforces the password rules: 8-128 characters from at least two character classes', async () => {
      const n = await userCount();
      const bad = ['short1!', 'abcdefgh', 'password', 'PASSWORDS', '12345678', '!!!!!!!!', `a1${'x'.repeat(127)}`];
      for (const password of bad) {
        const res = await register({ email: freshEmail('pw'), password, name: 'P' });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.error.details.issues[0].path).to.equal('password');
      }
      expect(await userCount()).to.equal(n);
      for (const password of ['abcdefg1', 'ABCDEFG!', 'Ünïcødé-pass', `a1${'x'.repeat(126)}`]) {
        expect((await register({ email: freshEmail('pw'), password, name: 'P' })).status, password).to.equal(201);
      }
    });

    it('rejects malformed bodies with 400 and the error shape, storing nothing', async () => {
      const n = await userCount();
      const bodies: unknown[] = [
        {},
        { email: 'not-an-email', password: 'valid-pass-1', name: 'X' },
        { email: freshEmail('x'), password: 'valid-pass-1' },
        { email: freshEmail('x'), password: 'valid-pass-1', name: '   ' },
        { email: freshEmail('x'), password: 'valid-pass-1', name: 'x'.repeat(121) },
        { email: freshEmail('x'), password: 12345678, name: 'X' },
        [],
      ];
      for (const body of bodies) expectError(await register(body), 400, 'VALIDATION_FAILED');
      const raw = await api.request('POST', '/api/v1/auth/register', {
        rawBody: '{"email":',
        headers: { 'x-forwarded-for': freshIp() },
      });
      expectError(raw, 400, 'VALIDATION_FAILED');
      expect(await userCount()).to.equal(n);
    });
  });

  describe('login', () => {
    it('returns the user and a token for the right password, case-insensitively on the email', async () => {
      const u = await newUser();
      const res = await login(`  ${u.email.toUpperCase()}  `, u.password);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user).to.include({ id: u.id, email: u.email, role: 'user' });
      const me = await api.request('GET', '/api/v1/auth/me', { token: res.body.token });
      expect(me.body.user.id).to.equal(u.id);
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const u = await newUser();
      const wrongPassword = await login(u.email, 'not-the-password-1');
      const unknownEmail = await login(freshEmail('ghost'), u.password);
      expectError(wrongPassword, 401, 'UNAUTHENTICATED');
      expectError(unknownEmail, 401, 'UNAUTHENTICATED');
      expect(wrongPassword.body).to.deep.equal(unknownEmail.body);
    });

    it('rejects a body without email or password with 400', async () => {
      expectError(await api.request('POST', '/api/v1/auth/login', { body: { email: 'a@b.test' } }), 400, 'VALIDATION_FAILED');
      expectError(await api.request('POST', '/api/v1/auth/login', { body: { password: 'x' } }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('tokens and roles', () => {
    it('GET /auth/me needs a valid, unexpired token', async () => {
      const u = await newUser();
      expectError(await api.request('GET', '/api/v1/auth/me'), 401, 'UNAUTHENTICATED');
      expectError(await api.request('GET', '/api/v1/auth/me', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
      expectError(
        await api.request('GET', '/api/v1/auth/me', { headers: { authorization: `Basic ${u.token}` } }),
        401,
        'UNAUTHENTICATED',
      );
      const past = fixedClock(new Date(Date.now() - (deps.config.JWT_TTL_SECONDS + 60) * 1000).toISOString());
      const expired = await issueToken({ id: u.id, role: 'user' }, { config: deps.config, clock: past });
      const res = await api.request('GET', '/api/v1/auth/me', { token: expired });
      expectError(res, 401, 'UNAUTHENTICATED');
      expect(res.body.error.message).to.match(/expired/i);
      const otherSecret = await issueToken(
        { id: u.id, role: 'admin' },
        { config: { ...deps.config, JWT_SECRET: 'another-secret-another-secret-0123456789' }, clock: deps.clock },
      );
      expectError(await api.request('GET', '/api/v1/auth/me', { token: otherSecret }), 401, 'UNAUTHENTICATED');
    });

    it('admin endpoints: 401 without a token, 403 for a user, 200 for an admin', async () => {
      const user = await newUser('user');
      const admin = await newUser('admin');
      expectError(await api.request('GET', '/api/v1/admin/users'), 401, 'UNAUTHENTICATED');
      expectError(await api.request('GET', '/api/v1/admin/users', { token: user.token }), 403, 'FORBIDDEN');
      expectError(await api.request('POST', `/api/v1/admin/users/${user.id}/promote`, { token: user.token }), 403, 'FORBIDDEN');
      const list = await api.request('GET', `/api/v1/admin/users?q=${encodeURIComponent(user.email)}`, { token: admin.token });
      expect(list.status).to.equal(200);
      expect(list.body.items.map((u: { id: number }) => u.id)).to.deep.equal([user.id]);
    });

    it('promote makes a user an admin from their next login; unknown users are 404', async () => {
      const user = await newUser('user');
      const admin = await newUser('admin');
      const res = await api.request('POST', `/api/v1/admin/users/${user.id}/promote`, { token: admin.token });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ id: user.id, role: 'admin' });
      const again = await api.request('POST', `/api/v1/admin/users/${user.id}/promote`, { token: admin.token });
      expect(again.body.user.role).to.equal('admin');
      // The old token still carries the old role.
      expectError(await api.request('GET', '/api/v1/admin/users', { token: user.token }), 403, 'FORBIDDEN');
      const relogin = await login(user.email, user.password);
      expect(relogin.body.user.role).to.equal('admin');
      expect((await api.request('GET', '/api/v1/admin/users', { token: relogin.body.token })).status).to.equal(200);
      expectError(await api.request('POST', '/api/v1/admin/users/999999/promote', { token: admin.token }), 404, 'NOT_FOUND');
      expectError(await api.request('POST', '/api/v1/admin/users/abc/promote', { token: admin.token }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('rate limits (shared in Redis)', () => {
    it(`login: attempt ${RATE_LIMITS.loginPerIpAndEmail.points + 1} for one IP and email within a minute gets 429 with Retry-After`, async () => {
      const u = await newUser();
      const ip = freshIp();
      for (let i = 0; i < RATE_LIMITS.loginPerIpAndEmail.points; i++) {
        expect((await login(u.email, 'wrong-password-1', ip)).status).to.equal(401);
      }
      const limited = await login(u.email, u.password, ip);
      expectError(limited, 429, 'RATE_LIMITED');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, RATE_LIMITS.loginPerIpAndEmail.duration);
      expect(limited.body.error.details).to.include({ limit: 'loginPerIpAndEmail', retryAfterSeconds: retryAfter });
      // Another address is not affected.
      expect((await login(u.email, u.password, freshIp())).status).to.equal(200);
    });

    it(`login: attempt ${RATE_LIMITS.loginPerIp.points + 1} from one IP within a minute gets 429, whatever the emails`, async () => {
      const ip = freshIp();
      const attempts = Array.from({ length: RATE_LIMITS.loginPerIp.points }, (_, i) => login(freshEmail(`spray${i}`), 'x', ip));
      expect((await Promise.all(attempts)).map((r) => r.status)).to.deep.equal(Array(RATE_LIMITS.loginPerIp.points).fill(401));
      const limited = await login(freshEmail('spray'), 'x', ip);
      expectError(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).to.match(/^\d+$/);
    });

    it(`login: after ${RATE_LIMITS.loginFailuresPerAccount.points} failures from any IPs the account is refused even with the right password`, async () => {
      const u = await newUser();
      const perIp = RATE_LIMITS.loginPerIpAndEmail.points;
      const total = RATE_LIMITS.loginFailuresPerAccount.points;
      for (let done = 0; done < total; done += perIp) {
        const ip = freshIp();
        const batch = Array.from({ length: Math.min(perIp, total - done) }, () => login(u.email, 'wrong-password-1', ip));
        expect((await Promise.all(batch)).every((r) => r.status === 401)).to.equal(true);
      }
      const res = await login(u.email, u.password, freshIp());
      expectError(res, 429, 'RATE_LIMITED');
      expect(res.body.error.details.limit).to.equal('loginFailuresPerAccount');
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, RATE_LIMITS.loginFailuresPerAccount.duration);
    });

    it(`register: registration ${RATE_LIMITS.registerPerIp.points + 1} from one IP within a minute gets 429 and stores nothing`, async () => {
      const ip = freshIp();
      for (let i = 0; i < RATE_LIMITS.registerPerIp.points; i++) {
        expect((await register({ email: freshEmail('burst'), password: 'burst-pass-1', name: 'B' }, ip)).status).to.equal(201);
      }
      const n = await userCount();
      const limited = await register({ email: freshEmail('burst'), password: 'burst-pass-1', name: 'B' }, ip);
      expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      expect(await userCount()).to.equal(n);
    });

    it(`register: attempt ${RATE_LIMITS.registerPerEmail.points + 1} for one email gets 429, from any IP`, async () => {
      const email = freshEmail('again');
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMITS.registerPerEmail.points; i++) {
        statuses.push((await register({ email, password: 'again-pass-1', name: 'A' })).status);
      }
      expect(statuses).to.deep.equal([201, ...Array(RATE_LIMITS.registerPerEmail.points - 1).fill(409)]);
      expectError(await register({ email, password: 'again-pass-1', name: 'A' }), 429, 'RATE_LIMITED');
    });
  });
});
