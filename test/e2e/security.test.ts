import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, startPrivateRedis, type LiveTestApi, type PrivateRedis } from '../support/live.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Records every Content-Security-Policy violation the page reports, from its first script on. */
const RECORD_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
  });`;

/**
 * The security headers as the browser meets them: on the page, its static
 * files and the API docs, and a Content-Security-Policy strict enough to
 * refuse inline code that still lets the seat picker (bundles, the Socket.IO
 * client, its websocket) and swagger-ui work without a single violation.
 */
describe('security headers in Chromium: the pages work under the CSP', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let api: LiveTestApi;
  let browser: Browser;
  let context: BrowserContext;
  let show: ShowtimeFixture;
  let user: TestUser;

  before(async () => {
    assertWebBuildIsFresh();
    redis = await startPrivateRedis();
    deps = await createTestDeps('security_e2e', { config: { REDIS_URL: redis.url } });
    api = await startLiveTestApi(deps);
    show = await createShowtime(deps.ds);
    user = await createUser(deps);
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ baseURL: api.baseUrl });
    await context.addInitScript(RECORD_VIOLATIONS);
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await deps?.close();
    await redis?.kill();
  });

  const violations = (page: Page) => page.evaluate<string[]>('window.__cspViolations');

  it('the page, a static bundle, an API answer and /docs carry the headers', async () => {
    const expectHardened = (headers: Headers, what: string) => {
      expect(headers.get('x-content-type-options'), what).to.equal('nosniff');
      expect(headers.get('referrer-policy'), what).to.equal('no-referrer');
      expect(headers.get('content-security-policy'), what).to.include("frame-ancestors 'none'").and.include("script-src 'self'");
    };
    for (const path of ['/', '/static/seat-picker.js', '/static/seat-picker.css', `/api/v1/showtimes/${show.showtimeId}/seats`, '/docs']) {
      const res = await fetch(api.baseUrl + path);
      expect(res.status, path).to.equal(200);
      expectHardened(res.headers, path);
    }
    const page = await fetch(`${api.baseUrl}/`);
    expect(page.headers.get('content-security-policy')).to.match(/style-src 'self'(;|$)/);
  });

  it('the seat picker loads, goes live over its websocket and shows a seat map, with no violation', async () => {
    const page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto('/');
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'");
    await page.waitForSelector(`a.movie-card[data-movie-id="${show.movieId}"]`);
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.waitForSelector('#hall[data-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
    // Styles set through the CSSOM (grid positions) are allowed and applied.
    expect(await page.locator('#hall .seat').count()).to.equal(show.seatIds.length);
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#hall .seat')).gridRowStart`)).to.equal('1');
    expect(await violations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);

    // The policy is enforced, not merely sent: an inline handler and an inline style attribute are refused.
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<img id="probe" src="data:," onload="window.__inlineRan = true" style="width: 77px">')`);
    // Polled from outside (a string predicate would need the eval the CSP forbids).
    await eventually(async () => (await violations(page)).length >= 2);
    expect(await page.evaluate<unknown>('window.__inlineRan')).to.equal(undefined);
    expect(await page.evaluate<string>(`getComputedStyle(document.getElementById('probe')).width`)).to.not.equal('77px');
    expect((await violations(page)).map((v) => v.split(' ')[0]).sort()).to.deep.equal(['script-src-attr', 'style-src-attr']);
    await page.close();
  });

  it('the API docs (swagger-ui) render, run an operation from the page and show a schema, with no violation', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/docs');
    await page.waitForSelector('.opblock-summary');
    expect(await page.locator('.opblock').count()).to.be.greaterThan(20);
    // "Try it out" on GET /genres: a fetch to the same origin, and the answer shown highlighted.
    const genres = page.locator('.opblock-get', { has: page.locator('[data-path="/api/v1/genres"]') });
    await genres.locator('.opblock-summary').click();
    await genres.locator('button.try-out__btn').click();
    await genres.locator('button.execute').click();
    await genres.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor();
    // A schema of the document, expanded all the way down.
    const schema = page.locator('section.models article').first();
    await schema.locator('.json-schema-2020-12-expand-deep-button').click();
    await schema.locator('.json-schema-2020-12-body:not(.json-schema-2020-12-body--collapsed)').first().waitFor();
    expect(await violations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
