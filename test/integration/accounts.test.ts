import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { RATE_LIMITS } from '../../api/rate-limit.js';
import { percentile } from '../../bench/lib/stats.js';
import { createRedis } from '../../clients/redis.js';
import { createDataSource } from '../../db/data-source.js';
import { hashPassword } from '../../core/password.js';
import { fixedClock } from '../support/clock.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { eventually } from '../support/fixtures.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * Rate-limit counters live in the shared Redis for up to an hour, so every
 * test uses client addresses (IPv6 documentation prefix, only ever a header)
 * and emails that no other run can have used. The app runs as behind one
 * proxy (TRUST_PROXY=1), which is what makes the header count.
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
    return { id, email, password, token: await issueToken({ id, role, tokenVersion: 0 }, deps) };
  }

  before(async () => {
    deps = await createTestDeps('accounts', { config: { TRUST_PROXY: '1' } });
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
      const expired = await issueToken({ id: u.id, role: 'user', tokenVersion: 0 }, { config: deps.config, clock: past });
      const res = await api.request('GET', '/api/v1/auth/me', { token: expired });
      expectError(res, 401, 'UNAUTHENTICATED');
      expect(res.body.error.message).to.match(/expired/i);
      const otherSecret = await issueToken(
        { id: u.id, role: 'admin', tokenVersion: 0 },
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

    it('promote makes a user an admin and ends their old tokens at once; unknown users are 404', async () => {
      const user = await newUser('user');
      const admin = await newUser('admin');
      expect((await api.request('GET', '/api/v1/auth/me', { token: user.token })).status).to.equal(200);
      const res = await api.request('POST', `/api/v1/admin/users/${user.id}/promote`, { token: admin.token });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ id: user.id, role: 'admin' });
      // The token issued before the role change no longer works anywhere, with the old role or the new.
      expectError(await api.request('GET', '/api/v1/admin/users', { token: user.token }), 401, 'UNAUTHENTICATED');
      expectError(await api.request('GET', '/api/v1/auth/me', { token: user.token }), 401, 'UNAUTHENTICATED');
      const relogin = await login(user.email, user.password);
      // Promoting again changes nothing, so it ends no session.
      const again = await api.request('POST', `/api/v1/admin/users/${user.id}/promote`, { token: admin.token });
      expect(again.body.user.role).to.equal('admin');
      expect((await api.request('GET', '/api/v1/auth/me', { token: relogin.body.token })).status).to.equal(200);
      expect(relogin.body.user.role).to.equal('admin');
      expect((await api.request('GET', '/api/v1/admin/users', { token: relogin.body.token })).status).to.equal(200);
      expectError(await api.request('POST', '/api/v1/admin/users/999999/promote', { token: admin.token }), 404, 'NOT_FOUND');
      expectError(await api.request('POST', '/api/v1/admin/users/abc/promote', { token: admin.token }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('client address and trusted proxies (TRUST_PROXY)', () => {
    it('with no trusted proxy (the default) a forged X-Forwarded-For is ignored: 8 registrations from one client, 5 accepted', async () => {
      // Its own Redis client and prefix: the counters of 127.0.0.1 are this test's alone.
      const redis = createRedis(deps.config.REDIS_URL, 'accounts-direct', deps.log);
      // Until it is ready the limits count in memory (the fallback), which is not what this is about.
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const config = { ...deps.config, TRUST_PROXY: 0, REDIS_PREFIX: `${deps.config.REDIS_PREFIX}-direct-${randomUUID().slice(0, 8)}` };
      const direct = await startTestApi({ ...deps, config, redis });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await direct.request('POST', '/api/v1/auth/register', {
            body: { email: freshEmail('forged'), password: 'forged-pass-1', name: 'F' },
            headers: { 'x-forwarded-for': freshIp() },
          });
          statuses.push(res.status);
          if (res.status === 429) expect(res.body.error.details.limit).to.equal('registerPerIp');
        }
        const limit = RATE_LIMITS.registerPerIp.points;
        expect(statuses).to.deep.equal([...Array(limit).fill(201), ...Array(8 - limit).fill(429)]);
      } finally {
        await direct.close();
        redis.disconnect();
      }
    });

    it('behind one trusted proxy only the address the proxy appended counts, not what the client wrote before it', async () => {
      const client = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        // What a client sends through HAProxy (option forwardfor): its own forged entries, then the address the proxy saw.
        const res = await register({ email: freshEmail('hop'), password: 'hop-pass-1', name: 'H' }, `${freshIp()}, ${freshIp()}, ${client}`);
        statuses.push(res.status);
      }
      const limit = RATE_LIMITS.registerPerIp.points;
      expect(statuses).to.deep.equal([...Array(limit).fill(201), ...Array(8 - limit).fill(429)]);
      // Another client behind the same proxy has its own count.
      expect((await register({ email: freshEmail('hop'), password: 'hop-pass-1', name: 'H' }, `${client}, ${freshIp()}`)).status).to.equal(201);
    });
  });

  describe('login answers alike for an unknown email and a wrong password', () => {
    it('same status and message, and a similar time: the ratio of medians over interleaved samples is within 2x', async function () {
      this.timeout(120_000);
      const u = await newUser();
      const timed = async (email: string) => {
        const started = performance.now();
        const res = await login(email, 'not-the-password-1');
        return { res, ms: performance.now() - started };
      };
      // Warm-up: the first unknown email also builds the decoy hash.
      await timed(freshEmail('warm'));
      await timed(u.email);
      const unknown: number[] = [];
      const wrong: number[] = [];
      // Interleaved, so the machine's load changes both series alike. Fewer than the per-account failure limit.
      for (let i = 0; i < 15; i++) {
        const a = await timed(freshEmail('ghost'));
        const b = await timed(u.email);
        expectError(a.res, 401, 'UNAUTHENTICATED');
        expectError(b.res, 401, 'UNAUTHENTICATED');
        expect(a.res.body).to.deep.equal(b.res.body);
        unknown.push(a.ms);
        wrong.push(b.ms);
      }
      const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 50);
      const ratio = median(unknown) / median(wrong);
      // Without the decoy verification an unknown email skips scrypt and answers many times faster.
      expect(ratio, `median unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms`).to.be.within(0.5, 2);
    });
  });

  describe('revoking tokens: password change, sign out everywhere', () => {
    it('changing the password needs the current one, ends every earlier token at once and answers a working new one', async () => {
      const u = await newUser('user', 'first-pass-1');
      const second = (await login(u.email, u.password)).body.token as string;
      const change = (token: string, body: unknown) => api.request('POST', '/api/v1/auth/password', { token, body });

      const wrong = await change(u.token, { currentPassword: 'not-it-at-all-1', newPassword: 'second-pass-2' });
      expectError(wrong, 403, 'FORBIDDEN');
      expectError(await change(u.token, { currentPassword: u.password, newPassword: 'short' }), 400, 'VALIDATION_FAILED');
      expectError(await change(u.token, { currentPassword: u.password, newPassword: u.password }), 400, 'VALIDATION_FAILED');
      // Refused changes changed nothing: both sessions and the password still work.
      expect((await api.request('GET', '/api/v1/auth/me', { token: second })).status).to.equal(200);
      expect((await login(u.email, u.password)).status).to.equal(200);

      const res = await change(u.token, { currentPassword: u.password, newPassword: 'second-pass-2' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user).to.include({ id: u.id, email: u.email });
      for (const old of [u.token, second]) {
        const me = await api.request('GET', '/api/v1/auth/me', { token: old });
        expectError(me, 401, 'UNAUTHENTICATED');
        expect(me.body.error.message).to.match(/sign in again/);
      }
      expect((await api.request('GET', '/api/v1/auth/me', { token: res.body.token })).body.user.id).to.equal(u.id);
      expectError(await login(u.email, u.password), 401, 'UNAUTHENTICATED');
      expect((await login(u.email, 'second-pass-2')).status).to.equal(200);
    });

    it(`stops guessing through the password change after ${RATE_LIMITS.passwordChangeFailuresPerUser.points} wrong current passwords`, async () => {
      const u = await newUser();
      for (let i = 0; i < RATE_LIMITS.passwordChangeFailuresPerUser.points; i++) {
        const res = await api.request('POST', '/api/v1/auth/password', { token: u.token, body: { currentPassword: `guess-${i}-pass`, newPassword: 'new-pass-123' } });
        expectError(res, 403, 'FORBIDDEN');
      }
      const limited = await api.request('POST', '/api/v1/auth/password', { token: u.token, body: { currentPassword: u.password, newPassword: 'new-pass-123' } });
      expectError(limited, 429, 'RATE_LIMITED');
      expect((await login(u.email, u.password)).status).to.equal(200);
    });

    it('sign out everywhere ends every token of the account, the one used too; signing in again works', async () => {
      const u = await newUser();
      const other = (await login(u.email, u.password)).body.token as string;
      const bystander = await newUser();
      const res = await api.request('POST', '/api/v1/auth/logout-all', { token: u.token });
      expect(res.status).to.equal(204);
      for (const token of [u.token, other]) expectError(await api.request('GET', '/api/v1/auth/me', { token }), 401, 'UNAUTHENTICATED');
      // A revoked token on a public endpoint is ignored, as an expired one is: browsing goes on.
      expect((await api.request('GET', '/api/v1/genres', { token: u.token })).status).to.equal(200);
      expect((await api.request('GET', '/api/v1/auth/me', { token: bystander.token })).status).to.equal(200);
      const again = await login(u.email, u.password);
      expect((await api.request('GET', '/api/v1/auth/me', { token: again.body.token })).status).to.equal(200);
      expectError(await api.request('POST', '/api/v1/auth/logout-all'), 401, 'UNAUTHENTICATED');
    });

    it('a revocation reaches another API node (its own cache) too', async () => {
      // A second node: its own pool, so its own cache of token versions, on the same database.
      const ds = createDataSource({ url: deps.config.DATABASE_URL, poolSize: 2 });
      await ds.initialize();
      const other = await startTestApi({ ...deps, ds });
      try {
        const u = await newUser();
        expect((await other.request('GET', '/api/v1/auth/me', { token: u.token })).status).to.equal(200);
        expect((await api.request('POST', '/api/v1/auth/logout-all', { token: u.token })).status).to.equal(204);
        await eventually(async () => (await other.request('GET', '/api/v1/auth/me', { token: u.token })).status === 401, 10_000);
      } finally {
        await other.close();
        await ds.destroy();
      }
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
