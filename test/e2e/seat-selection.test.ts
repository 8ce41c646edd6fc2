import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSeatEventPublisher, type SeatEventPublisher } from '../../live/publisher.js';
import { expectAccessible } from '../support/axe.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, startPrivateRedis, type LiveTestApi, type PrivateRedis } from '../support/live.js';
import { waitUntilTrue } from '../support/page-wait.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

/** Under a minute, so the page offers more time as soon as the seats are held. */
const HOLD_TTL_SECONDS = 40;
const HOLD_EXTENSION_SECONDS = 240;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The seating rules as a buyer meets them: best seats chosen for them, a stranding pick explained before it is sent, more time once. */
describe('seat selection in Chromium: best seats, the single-seat rule, more time', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let publisher: SeatEventPublisher;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let show: ShowtimeFixture;
  let buyer: TestUser;
  let page: Page;
  let watcher: Page;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assertWebBuildIsFresh();
    redis = await startPrivateRedis();
    deps = await createTestDeps('seat_selection', {
      config: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), HOLD_EXTENSION_SECONDS: String(HOLD_EXTENSION_SECONDS), SINGLE_SEAT_RULE: 'on', REDIS_URL: redis.url },
    });
    publisher = createSeatEventPublisher(redis.url, deps.config.REDIS_PREFIX, deps.log);
    worker = await startTestWorker(deps, { publisher });
    api = await startLiveTestApi(deps);
    buyer = await createUser(deps);
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  beforeEach(async () => {
    show = await createShowtime(deps.ds, { layout: ['RRRRRRRR', 'RRRRRRRR', 'RRRRRRRR', 'RRRRRRRR'], basePrice: 1000 });
    page = await open(buyer, { width: 1280, height: 900 });
    watcher = await open(await createUser(deps), { width: 390, height: 844 });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0), 'uncaught errors in the page').to.deep.equal([]);
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await publisher?.close();
    await deps?.close();
    await redis?.kill();
  });

  /** A signed-in page on this test's showtime, drawn and live. */
  const open = async (user: TestUser, viewport: { width: number; height: number }): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, baseURL: api.baseUrl });
    contexts.push(ctx);
    await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    await p.goto(`/#/showtimes/${show.showtimeId}`);
    await p.waitForSelector('#hall[data-ready="true"]');
    await p.waitForSelector('#live-status[data-state="live"]');
    return p;
  };
  const seatAt = (p: Page, label: string) => p.locator(`#hall .seat[data-label="${label}"]`);
  /** The open hold's seats as the database has them, by label. */
  const heldLabels = async (): Promise<string[]> => {
    const rows: { label: string }[] = await deps.ds.query(
      `SELECT bs.label FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id JOIN show_seats s ON s.id = bs.show_seat_id
        WHERE b.user_id = ? AND b.showtime_id = ? AND b.status = 'AWAITING_PAYMENT' AND s.status = 'held' AND s.checkout_id = b.id ORDER BY s.id`,
      [buyer.id, show.showtimeId],
    );
    return rows.map((r) => r.label);
  };

  it('"best seats for 3" holds three seats side by side, shows them as mine, and others see them held', async () => {
    expect(await page.locator('#best-count option').count(), 'one choice per seat a checkout may hold').to.equal(10);
    await page.selectOption('#best-count', '3');
    await expectAccessible(page, 'the seat map with the best-seats form');
    await page.click('#best-btn');
    await page.waitForSelector('#checkout-panel:not([hidden])');

    const labels = await heldLabels();
    expect(labels).to.have.length(3);
    const [row] = labels.map((l) => l[0]);
    const numbers = labels.map((l) => Number(l.slice(1)));
    expect(labels.every((l) => l[0] === row), 'one row').to.equal(true);
    expect(numbers[2]! - numbers[0]!, 'side by side').to.equal(2);
    expect(await page.textContent('#notice')).to.include(labels.join(', '));
    expect(await page.locator('#held-list li').allTextContents()).to.have.length(3);
    for (const label of labels) {
      expect(await seatAt(page, label).getAttribute('data-mine')).to.equal('true');
      await watcher.waitForSelector(`#hall .seat[data-label="${label}"][data-status="held"]`);
    }
    expect(await page.isDisabled('#best-btn'), 'one hold at a time').to.equal(true);
    await expectAccessible(page, 'checkout after best seats were held');
    await page.click('#release-btn');
    await page.waitForSelector('#checkout-panel', { state: 'hidden' });
    await watcher.waitForSelector(`#hall .seat[data-label="${labels[0]}"][data-status="available"]`);
  });

  it('a pick that would leave one seat alone is explained and cannot be held until it is fixed', async () => {
    await seatAt(page, 'A2').click();
    const rule = page.locator('#selection-rule');
    await rule.waitFor();
    expect(await rule.textContent()).to.match(/leave seat A1 on its own/);
    expect(await page.isDisabled('#hold-btn')).to.equal(true);
    expect(await page.getAttribute('#hold-btn', 'aria-describedby')).to.equal('selection-rule');
    await expectAccessible(page, 'a pick the single-seat rule refuses');

    // Taking A1 as well leaves nobody alone: the pick can be held.
    await seatAt(page, 'A1').click();
    await rule.waitFor({ state: 'hidden' });
    expect(await page.isDisabled('#hold-btn')).to.equal(false);
    expect(await page.getAttribute('#hold-btn', 'aria-describedby')).to.equal(null);

    // The page and the server apply the same rule: sent anyway, the stranding pick is refused with the seat named.
    const refused = await api.request('POST', '/api/v1/checkouts', { token: buyer.token, body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[1]!] } });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal('SINGLE_SEAT_GAP');
    expect(refused.body.error.details.seatIds).to.deep.equal([show.seatIds[0]]);
    expect(await heldLabels()).to.deep.equal([]);
  });

  it('with under a minute left the buyer can ask for more time, once; the hold moves in the database', async () => {
    await seatAt(page, 'D1').click();
    await seatAt(page, 'D2').click();
    await page.click('#hold-btn');
    await page.waitForSelector('#checkout-panel:not([hidden])');
    const before = await page.getAttribute('#countdown', 'data-expires-at');
    await page.waitForSelector('#extend-btn:not([hidden])');
    await expectAccessible(page, 'checkout offering more time');
    await page.click('#extend-btn');
    await waitUntilTrue(page, `document.getElementById('countdown').dataset.expiresAt !== ${JSON.stringify(before)}`);
    const after = await page.getAttribute('#countdown', 'data-expires-at');
    expect(Date.parse(after!) - Date.parse(before!)).to.equal(HOLD_EXTENSION_SECONDS * 1000);
    const [booking] = await deps.ds.query("SELECT hold_expires_at FROM bookings WHERE user_id = ? AND showtime_id = ? AND status = 'AWAITING_PAYMENT'", [
      buyer.id,
      show.showtimeId,
    ]);
    expect(booking.hold_expires_at.toISOString()).to.equal(after);
    expect(await page.textContent('#notice')).to.match(/held 4 more minutes/);
    expect(await page.isHidden('#extend-btn'), 'more time is offered once').to.equal(true);
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""')).to.equal('card');

    await page.fill('#card', '4242 4242 4242 4242');
    await page.click('#pay-btn');
    await page.waitForSelector('#confirmation:not([hidden])');
    await watcher.waitForSelector('#hall .seat[data-label="D2"][data-status="booked"]');
  });
});
