import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { MAX_BODY_BYTES } from '../../api/errors.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * What every response carries (security headers, also on errors and on the
 * docs page) and how an oversized body is answered. The pages and their
 * static files are checked in the browser suite (test/e2e/security.test.ts),
 * which runs after the web build.
 */
describe('HTTP security: headers and body limits', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let api: TestApi;

  before(async () => {
    deps = await createTestDeps('http_security');
    api = await startTestApi(deps);
  });
  after(async () => {
    await api?.close();
    await deps?.close();
  });

  const userCount = async (): Promise<number> => Number((await deps.ds.query('SELECT COUNT(*) AS n FROM users'))[0].n);

  describe('headers', () => {
    const expectHardened = (headers: Headers, what: string) => {
      expect(headers.get('x-content-type-options'), what).to.equal('nosniff');
      expect(headers.get('referrer-policy'), what).to.equal('no-referrer');
      expect(headers.get('x-frame-options'), what).to.equal('DENY');
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, what).to.include("default-src 'self'").and.include("frame-ancestors 'none'").and.include("object-src 'none'");
      expect(csp, what).to.match(/script-src 'self'(;|$)/);
      expect(headers.get('x-powered-by'), what).to.equal(null);
    };

    it('an API answer, an error answer and the OpenAPI document carry them; no HSTS over http', async () => {
      for (const [path, status] of [
        ['/api/v1/genres', 200],
        ['/api/v1/nowhere', 404],
        ['/api/v1/openapi.json', 200],
        ['/healthz', 200],
      ] as const) {
        const res = await api.request('GET', path);
        expect(res.status, path).to.equal(status);
        expectHardened(res.headers, path);
        expect(res.headers.get('strict-transport-security'), path).to.equal(null);
      }
      const refused = await api.request('GET', '/api/v1/auth/me');
      expect(refused.status).to.equal(401);
      expectHardened(refused.headers, '401');
    });

    it('the docs page and its assets carry the same policy (swagger-ui needs nothing more)', async () => {
      const policy = (await api.request('GET', '/api/v1/genres')).headers.get('content-security-policy');
      expect(policy).to.match(/style-src 'self'(;|$)/);
      for (const path of ['/docs', '/docs/init.js', '/docs/assets/swagger-ui-bundle.js']) {
        const res = await api.request('GET', path);
        expect(res.status, path).to.equal(200);
        expectHardened(res.headers, path);
        expect(res.headers.get('content-security-policy'), path).to.equal(policy);
      }
    });

    it('with an https PUBLIC_URL: HSTS for this host (a year, no subdomains) and upgrade-insecure-requests', async () => {
      const secure = await startTestApi({ ...deps, config: { ...deps.config, PUBLIC_URL: 'https://tickets.example.test' } });
      try {
        const res = await secure.request('GET', '/api/v1/genres');
        expect(res.headers.get('strict-transport-security')).to.equal('max-age=31536000');
        expect(res.headers.get('content-security-policy')).to.include('upgrade-insecure-requests');
      } finally {
        await secure.close();
      }
      expect((await api.request('GET', '/api/v1/genres')).headers.get('content-security-policy')).to.not.include('upgrade-insecure-requests');
    });
  });

  describe(`bodies over ${MAX_BODY_BYTES / 1024 / 1024} MB`, () => {
    const register = (rawBody: string, headers: Record<string, string> = {}) => api.request('POST', '/api/v1/auth/register', { rawBody, headers });
    const bigJson = (bytes: number) => JSON.stringify({ email: 'big@example.test', password: 'big-pass-123', name: 'x'.repeat(bytes) });

    it('a 3 MB JSON body is answered 413 PAYLOAD_TOO_LARGE in the error shape and stores nothing', async () => {
      const before = await userCount();
      const res = await register(bigJson(3 * 1024 * 1024));
      expect(res.status).to.equal(413);
      expect(res.body.error).to.deep.equal({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body is larger than 1 MB',
        details: { limitBytes: MAX_BODY_BYTES },
      });
      expect(await userCount()).to.equal(before);
    });

    it('so is a body of another type, and a chunked JSON body with no declared length', async () => {
      const text = await register('x'.repeat(2 * MAX_BODY_BYTES), { 'content-type': 'text/plain' });
      expect(text.status).to.equal(413);
      expect(text.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
      // Sent in chunks (Transfer-Encoding: chunked): koa-body stops reading at the limit.
      const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${api.baseUrl}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        const chunk = 'x'.repeat(64 * 1024);
        req.write(`{"name":"`);
        for (let sent = 0; sent < 2 * MAX_BODY_BYTES; sent += chunk.length) req.write(chunk);
        req.end('"}');
      });
      expect(chunked.status).to.equal(413);
      expect(JSON.parse(chunked.body).error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('a body under the limit is read and validated as usual (400 for this one, not 413)', async () => {
      const res = await register(bigJson(900 * 1024));
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details.issues[0].path).to.equal('name');
    });
  });
});
