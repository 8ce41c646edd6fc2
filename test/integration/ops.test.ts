import { expect } from 'chai';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

describe('ops endpoints', () => {
  let deps: TestDeps;
  let api: TestApi;

  before(async () => {
    deps = await createTestDeps('ops');
    api = await startTestApi(deps);
  });
  after(async () => {
    await api.close();
    await deps.close();
  });

  it('healthz answers while the process is up, with a request id', async () => {
    const res = await api.request('GET', '/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('keeps a sane incoming request id', async () => {
    const res = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).to.equal('abc-123');
  });

  it('readyz checks MySQL, Redis and Temporal', async () => {
    const res = await api.request('GET', '/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ready', checks: { mysql: 'up', redis: 'up', temporal: 'up' } });
  });

  it('unknown routes get the documented error shape', async () => {
    const res = await api.request('GET', '/api/v1/nope');
    expect(res.status).to.equal(404);
    expect(res.body).to.have.nested.property('error.code', 'NOT_FOUND');
  });

  it('an unsupported method gets 405 in the documented error shape', async () => {
    for (const method of ['PROPFIND', 'DELETE']) {
      const res = await api.request(method, '/healthz');
      expect(res.status, method).to.equal(405);
      expect(res.body).to.have.nested.property('error.code', 'METHOD_NOT_ALLOWED');
    }
  });

  it('a public endpoint ignores a stale or malformed token instead of refusing the request', async () => {
    for (const authorization of ['Bearer not-a-jwt', 'Basic abc']) {
      const res = await api.request('GET', '/api/v1/genres', { headers: { authorization } });
      expect(res.status, authorization).to.equal(200);
    }
  });

  it('metrics exposes request counters by route and status', async () => {
    await api.request('GET', '/healthz');
    const res = await api.request('GET', '/metrics');
    expect(res.status).to.equal(200);
    expect(res.body).to.match(/marquee_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  });

  it('serves the OpenAPI 3.1 document and the docs page', async () => {
    const doc = await api.request<{ openapi: string }>('GET', '/api/v1/openapi.json');
    expect(doc.status).to.equal(200);
    expect(doc.body.openapi).to.equal('3.1.0');
    const page = await api.request<string>('GET', '/docs');
    expect(page.body).to.include('swagger-ui');
    const asset = await api.request('GET', '/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).to.equal(200);
  });
});
