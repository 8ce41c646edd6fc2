import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSeatEventPublisher, type SeatEventPublisher } from '../../live/publisher.js';
import { expectAccessible } from '../support/axe.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, startPrivateRedis, type LiveTestApi, type PrivateRedis } from '../support/live.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { waitUntilTrue } from '../support/page-wait.js';

const HOLD_TTL_SECONDS = 6;
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Each test gets a showtime of its own and two fresh signed-in pages, so it runs alone as well as in the suite. */
describe('seat picker in Chromium: two browsers on one showtime', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let publisher: SeatEventPublisher;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let bob: TestUser;
  let pageA: Page;
  let pageB: Page;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assertWebBuildIsFresh();
    await mkdir(ARTIFACTS, { recursive: true });
    redis = await startPrivateRedis();
    deps = await createTestDeps('seat_picker', { config: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), REDIS_URL: redis.url } });
    publisher = createSeatEventPublisher(redis.url, deps.config.REDIS_PREFIX, deps.log);
    worker = await startTestWorker(deps, { publisher });
    api = await startLiveTestApi(deps);
    [alice, bob] = await Promise.all([createUser(deps), createUser(deps)]);
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  beforeEach(async () => {
    // Premium middle row, an aisle in every row, accessible seats at the front.
    show = await createShowtime(deps.ds, { layout: ['AARR.RRAA', 'RRRR.RRRR', 'PPPP.PPPP', 'VVVV.VVVV'], basePrice: 1000 });
    pageA = await signedIn(alice, { width: 1280, height: 900 });
    pageB = await signedIn(bob, { width: 390, height: 844 }); // a phone
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await publisher?.close();
    await deps?.close();
    await redis?.kill();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0), 'uncaught errors in the page').to.deep.equal([]);
  });

  const signedIn = async (user: TestUser | null, viewport: { width: number; height: number }): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, baseURL: api.baseUrl });
    contexts.push(ctx);
    if (user) await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return page;
  };
  /** Opens this test's showtime by link and waits until the hall is drawn and live. */
  const openShowtime = async (page: Page) => {
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.waitForSelector('#hall[data-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
  };
  /** A confirmed booking made through the API, as another tab would. */
  const bookViaApi = async (user: TestUser, seatIds: number[]): Promise<string> => {
    const held = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } });
    expect(held.status).to.equal(201);
    const paid = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: user.token, body: { card: '4242 4242 4242 4242' } });
    expect(paid.body.status).to.equal('CONFIRMED');
    return held.body.checkoutId;
  };

  const seat = (page: Page, id: number) => page.locator(`#hall .seat[data-seat-id="${id}"]`);
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `seat-picker-${name}.png`), fullPage: true });
  const expectStatus = async (page: Page, id: number, status: string) => {
    await page.waitForSelector(`#hall .seat[data-seat-id="${id}"][data-status="${status}"]`, { timeout: 10_000 });
  };
  const focusOf = (page: Page) => page.evaluate<string>(`document.activeElement?.id || document.activeElement?.dataset.label || ''`);
  /** Presses Tab (or Shift+Tab) until the focused element matches `selector`: proof that the keyboard reaches it. */
  const tabTo = async (page: Page, selector: string, opts: { back?: boolean } = {}) => {
    for (let i = 0; i < 60; i++) {
      if (await page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
      await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    }
    expect.fail(`${selector} is not reached by ${opts.back ? 'Shift+Tab' : 'Tab'} within 60 presses`);
  };

  it('A finds the showtime through films and date tabs; B opens it by link; both see the hall to scale', async () => {
    await pageA.goto('/');
    await pageA.waitForSelector(`a.movie-card[data-movie-id="${show.movieId}"]`);
    await expectAccessible(pageA, 'the film list');
    await shot(pageA, '0-films');
    await pageA.click(`a.movie-card[data-movie-id="${show.movieId}"]`);
    await pageA.waitForSelector('#date-tabs [role="tab"][aria-selected="true"]');
    await expectAccessible(pageA, 'a film’s showtimes');
    await shot(pageA, '0-showtimes');
    await pageA.click(`a.showtime-btn[data-showtime-id="${show.showtimeId}"]`);
    await pageA.waitForSelector('#hall[data-ready="true"]');
    await openShowtime(pageB);
    await pageA.waitForSelector('#live-status[data-state="live"]');

    expect(await pageA.locator('#hall .seat').count()).to.equal(show.seatIds.length);
    // Drawn from gridRow/gridCol: the aisle (grid column 5) is a gap, so seat 5 of row A sits in CSS column 7.
    const a5 = await pageA.evaluate<string[]>(
      `(() => { const s = getComputedStyle(document.querySelector('.seat[data-label="A5"]')); return [s.gridRowStart, s.gridColumnStart]; })()`,
    );
    expect(a5).to.deep.equal(['1', '7']);
    expect(await pageA.locator('.seat[data-label="C1"]').getAttribute('aria-label')).to.equal('Row C seat 1, premium, $13.00, available');
    expect(await pageA.locator('.seat[data-label="A1"]').getAttribute('aria-label')).to.equal('Row A seat 1, wheelchair space, $10.00, available');
    expect(await pageA.locator('#legend li').allTextContents()).to.include.members(['premium $13.00', 'VIP $16.00', 'booked']);
    // The phone-sized page fits the hall without horizontal scrolling.
    const overflow = await pageB.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).to.be.at.most(0);
    await expectAccessible(pageA, 'the seat map');
    await expectAccessible(pageB, 'the seat map on a phone');
    await shot(pageA, '1-desktop');
    await shot(pageB, '1-phone');
  });

  it('A holds a seat and B sees it held without reloading; a declined card, then A pays and B sees it booked', async () => {
    await Promise.all([openShowtime(pageA), openShowtime(pageB)]);
    const x = show.seatIds[10]!; // B3, regular
    await seat(pageA, x).click();
    expect(await seat(pageA, x).getAttribute('aria-pressed')).to.equal('true');
    await pageA.click('#hold-btn');
    await pageA.waitForSelector('#checkout-panel:not([hidden])');
    // The countdown runs to the deadline stored with the hold, and counts down (an order, not a speed).
    const seconds = (text: string | null) => {
      const m = /^(\d+):(\d{2})$/.exec(text ?? '');
      expect(m, `countdown "${text}"`).to.not.equal(null);
      return Number(m![1]) * 60 + Number(m![2]);
    };
    const [booking] = await deps.ds.query("SELECT hold_expires_at FROM bookings WHERE user_id = ? AND showtime_id = ? AND status = 'AWAITING_PAYMENT'", [alice.id, show.showtimeId]);
    expect(await pageA.getAttribute('#countdown', 'data-expires-at')).to.equal(booking.hold_expires_at.toISOString());
    const first = await pageA.textContent('#countdown');
    expect(seconds(first)).to.be.at.most(HOLD_TTL_SECONDS);
    await waitUntilTrue(pageA, `document.getElementById('countdown')?.textContent !== ${JSON.stringify(first)}`);
    expect(seconds(await pageA.textContent('#countdown'))).to.be.lessThan(seconds(first));
    expect(await seat(pageA, x).getAttribute('data-mine')).to.equal('true');
    expect(await seat(pageA, x).getAttribute('aria-label')).to.equal('Row B seat 3, regular, $10.00, held for you');
    await expectStatus(pageB, x, 'held');
    expect(await seat(pageB, x).getAttribute('aria-label')).to.equal('Row B seat 3, regular, $10.00, held');
    await expectAccessible(pageA, 'checkout (seats held, card form)');
    await shot(pageB, '2-held-seen-by-b');

    await pageA.fill('#card', '4000 0000 0000 0002');
    await pageA.click('#pay-btn');
    // Locators, not string predicates: the page's CSP forbids the eval that polling a string would need.
    await pageA.locator('#pay-error', { hasText: /declined/i }).waitFor();
    await expectAccessible(pageA, 'checkout after a declined card');
    await shot(pageA, '3-declined');
    await pageA.fill('#card', '4242 4242 4242 4242');
    await pageA.click('#pay-btn');
    await pageA.waitForSelector('#confirmation:not([hidden])');
    expect(await pageA.textContent('#confirmation-text')).to.include('B3');
    await expectStatus(pageB, x, 'booked');
    await expectStatus(pageA, x, 'booked');
    expect(await seat(pageB, x).getAttribute('aria-label')).to.equal('Row B seat 3, regular, $10.00, booked');
    expect((await seatStatuses(deps.ds, [x]))[0]!.status).to.equal('booked');
    await expectAccessible(pageA, 'the booking confirmation');
    await shot(pageA, '4-confirmed');
    await pageA.click('#book-more');
    await pageA.waitForSelector('#confirmation', { state: 'hidden' });
  });

  it('a hold by A runs out: A is told, B sees the seat free again', async () => {
    await Promise.all([openShowtime(pageA), openShowtime(pageB)]);
    const y = show.seatIds[20]!; // C5, premium
    await seat(pageA, y).click();
    await pageA.click('#hold-btn');
    await pageA.waitForSelector('#checkout-panel:not([hidden])');
    await expectStatus(pageB, y, 'held');
    // HOLD_TTL_SECONDS later the worker releases it and both pages hear of it.
    await pageB.waitForSelector(`#hall .seat[data-seat-id="${y}"][data-status="available"]`, { timeout: (HOLD_TTL_SECONDS + 8) * 1000 });
    await pageA.waitForSelector('#checkout-panel', { state: 'hidden', timeout: 5000 });
    expect(await pageA.textContent('#notice')).to.match(/expired/);
    expect(await seat(pageA, y).getAttribute('data-mine')).to.equal('false');
    await expectStatus(pageA, y, 'available');
    // Counts kept by live updates alone still match the server's.
    const rest = await api.request('GET', `/api/v1/showtimes/${show.showtimeId}/seats`);
    const { available, held, booked } = rest.body.counts;
    for (const page of [pageA, pageB]) {
      expect(await page.textContent('#seat-counts')).to.equal(`${available} available · ${held} held · ${booked} booked`);
    }
    await expectAccessible(pageA, 'the seat map after a hold expired');
    await shot(pageA, '5-expired');
  });

  it('a seat B has selected is taken by someone else: B is told and it leaves B’s selection', async () => {
    await openShowtime(pageB);
    const z = show.seatIds[25]!;
    await seat(pageB, z).click();
    expect(await seat(pageB, z).getAttribute('aria-pressed')).to.equal('true');
    expect(await seat(pageB, z).getAttribute('aria-label')).to.equal('Row D seat 2, VIP, $16.00, selected');
    const held = await api.request('POST', '/api/v1/checkouts', { token: alice.token, body: { showtimeId: show.showtimeId, seatIds: [z] } });
    expect(held.status).to.equal(201);
    await expectStatus(pageB, z, 'held');
    expect(await seat(pageB, z).getAttribute('aria-pressed')).to.equal('false');
    expect(await pageB.textContent('#notice')).to.match(/just taken/);
    await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    await expectStatus(pageB, z, 'available');
  });

  it('a 409 on hold highlights the conflicting seat (taken before B’s map could know)', async () => {
    await openShowtime(pageB);
    const w = show.seatIds[26]!;
    const free = show.seatIds[27]!;
    await seat(pageB, w).click();
    await seat(pageB, free).click();
    // Taken behind the page's back: changed in SQL, never published.
    await deps.ds.query("UPDATE show_seats SET status = 'held', checkout_id = 'chk_elsewhere', held_until = ? WHERE id = ?", [new Date(Date.now() + 60_000), w]);
    await pageB.click('#hold-btn');
    await pageB.waitForSelector(`#hall .seat[data-seat-id="${w}"][data-conflict="true"]`);
    expect(await pageB.textContent('#notice')).to.match(/just taken/);
    expect(await seat(pageB, w).getAttribute('aria-pressed')).to.equal('false');
    expect(await seat(pageB, free).getAttribute('aria-pressed')).to.equal('true');
    await expectAccessible(pageB, 'the seat map with a refused seat');
    await shot(pageB, '6-conflict');
  });

  it('works from the keyboard: arrows move between seats, Enter selects', async () => {
    await bookViaApi(alice, [show.seatIds[10]!]); // B3
    await openShowtime(pageB);
    await expectStatus(pageB, show.seatIds[10]!, 'booked');
    const first = seat(pageB, show.seatIds[0]!);
    await first.focus();
    await pageB.keyboard.press('ArrowRight');
    await pageB.keyboard.press('ArrowRight');
    await pageB.keyboard.press('ArrowDown');
    const focused = await pageB.evaluate<string | undefined>('document.activeElement?.dataset.label');
    expect(focused).to.equal('B3');
    await pageB.keyboard.press('ArrowRight'); // B3 is booked; B4 is next
    await pageB.keyboard.press('Enter');
    expect(await pageB.locator('.seat[data-label="B4"]').getAttribute('aria-pressed')).to.equal('true');
    await pageB.keyboard.press('Space');
    expect(await pageB.locator('.seat[data-label="B4"]').getAttribute('aria-pressed')).to.equal('false');
    // Only one seat is in the tab order (roving tabindex).
    expect(await pageB.locator('#hall .seat[tabindex="0"]').count()).to.equal(1);
    // The seat under focus changes status live: its new name is said, since screen readers do not re-read it.
    const b4 = show.seatIds[11]!;
    const held = await api.request('POST', '/api/v1/checkouts', { token: alice.token, body: { showtimeId: show.showtimeId, seatIds: [b4] } });
    expect(held.status).to.equal(201);
    await pageB.locator('#announcer', { hasText: /^B4 is now held$/ }).waitFor({ state: 'attached' });
    expect(await seat(pageB, b4).getAttribute('aria-label')).to.equal('Row B seat 4, regular, $10.00, held');
    expect(await focusOf(pageB)).to.equal('B4');
    await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/cancel`, { token: alice.token, body: {} });
    await pageB.locator('#announcer', { hasText: /^B4 is now available$/ }).waitFor({ state: 'attached' });
  });

  it('My bookings lists the booking; cancelling it refunds and B sees the seat free', async () => {
    const x = show.seatIds[10]!; // B3
    const bookingId = await bookViaApi(alice, [x]);
    await openShowtime(pageB);
    await expectStatus(pageB, x, 'booked');
    await pageA.goto('/#/bookings');
    const item = pageA.locator(`.booking[data-booking-id="${bookingId}"][data-status="CONFIRMED"]`);
    await item.waitFor();
    expect(await item.textContent()).to.include('B3');
    await expectAccessible(pageA, 'my bookings');
    await item.locator('[data-action="cancel-booking"]').click();
    await pageA.waitForSelector(`.booking[data-booking-id="${bookingId}"][data-status="REFUNDED"]`);
    await shot(pageA, '7-bookings');
    await expectStatus(pageB, x, 'available');
  });

  it('a hold and a confirmation stay with their showtime: another one shows its own seat picking, and the hold is back on return', async () => {
    const other = await createShowtime(deps.ds, { layout: ['RRRR', 'RRRR'], basePrice: 900 });
    const x = show.seatIds[11]!; // B4
    await openShowtime(pageA);
    await seat(pageA, x).click();
    await pageA.click('#hold-btn');
    await pageA.waitForSelector('#checkout-panel:not([hidden])');

    const visible = (page: Page) => page.evaluate<string[]>(`['selection-panel', 'checkout-panel', 'confirmation'].filter((id) => !document.getElementById(id).hidden)`);
    const openOther = async () => {
      await pageA.goto(`/#/showtimes/${other.showtimeId}`);
      await pageA.waitForSelector(`#hall[data-ready="true"] .seat[data-seat-id="${other.seatIds[0]}"]`);
    };
    await openOther();
    expect(await visible(pageA), 'another showtime, with the hold open on the first').to.deep.equal(['selection-panel']);

    await openShowtime(pageA);
    await pageA.waitForSelector('#checkout-panel:not([hidden])');
    expect(await pageA.locator('#held-list li').allTextContents()).to.deep.equal(['B4 · Adult$10.00']);
    await pageA.fill('#card', '4242 4242 4242 4242');
    await pageA.click('#pay-btn');
    await pageA.waitForSelector('#confirmation:not([hidden])');

    await openOther();
    expect(await visible(pageA), 'another showtime, after booking on the first').to.deep.equal(['selection-panel']);
    await expectAccessible(pageA, 'another showtime after a booking');
  });

  it('a visitor registers inline when holding, and the hold goes through', async () => {
    await openShowtime(pageB);
    const page = await signedIn(null, { width: 1024, height: 800 });
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.waitForSelector('#hall[data-ready="true"]');
    const v = show.seatIds[30]!;
    await seat(page, v).click();
    await page.click('#hold-btn');
    await page.waitForSelector('#auth-slot #auth-panel:not([hidden])');
    await expectAccessible(page, 'sign-in beside the seat map');
    await page.click('#auth-toggle');
    await expectAccessible(page, 'create an account');
    await page.fill('#auth-name', 'Carol Visitor');
    await page.fill('#auth-email', `carol-${Date.now()}@example.test`);
    await page.fill('#auth-password', 'popcorn-and-7');
    await page.click('#auth-submit');
    await page.waitForSelector('#checkout-panel:not([hidden])');
    expect(await page.textContent('#user-label')).to.equal('Carol Visitor');
    await expectStatus(pageB, v, 'held');
    await page.click('#release-btn');
    await page.waitForSelector('#checkout-panel', { state: 'hidden' });
    await expectStatus(pageB, v, 'available');
    await eventually(async () => (await seatStatuses(deps.ds, [v]))[0]!.status === 'available');
  });

  it('a visitor finds a showtime, holds, signs up, pays and cancels using only the keyboard', async () => {
    await openShowtime(pageB);
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 800 }, baseURL: api.baseUrl });
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto('/');
      await page.waitForSelector(`a.movie-card[data-movie-id="${show.movieId}"]`);
      // The header's Sign in opens the form above the films; Escape closes it and gives focus back.
      await tabTo(page, '#signin-btn');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#main > #auth-panel:not([hidden])');
      expect(await focusOf(page)).to.equal('auth-email');
      await expectAccessible(page, 'sign-in above the film list');
      await page.keyboard.press('Escape');
      expect(await focusOf(page)).to.equal('signin-btn');
      await tabTo(page, `a.movie-card[data-movie-id="${show.movieId}"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#date-tabs [role="tab"][aria-selected="true"]');
      expect(await focusOf(page), 'a new view puts focus on its heading').to.equal('movie-title');
      await tabTo(page, '#date-tabs [role="tab"][aria-selected="true"]');
      await tabTo(page, `a.showtime-btn[data-showtime-id="${show.showtimeId}"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#hall[data-ready="true"]');
      expect(await focusOf(page)).to.equal('showtime-title');

      // Into the seat map (one Tab stop), to row D, to its end: D8.
      await tabTo(page, '#hall .seat');
      for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'End']) await page.keyboard.press(key);
      expect(await focusOf(page)).to.equal('D8');
      await page.keyboard.press('Space');
      expect(await page.locator('.seat[data-label="D8"]').getAttribute('aria-pressed')).to.equal('true');
      await tabTo(page, '#hold-btn');
      await page.keyboard.press('Enter');

      // Not signed in: the form opens beside the seats; Escape closes it and gives focus back.
      await page.waitForSelector('#auth-slot #auth-panel:not([hidden])');
      expect(await focusOf(page)).to.equal('auth-email');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#auth-panel', { state: 'hidden' });
      expect(await focusOf(page)).to.equal('hold-btn');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#auth-slot #auth-panel:not([hidden])');
      await tabTo(page, '#auth-toggle');
      await page.keyboard.press('Enter');
      await tabTo(page, '#auth-name', { back: true });
      await page.keyboard.type('Kim Keyboard');
      await page.keyboard.press('Tab');
      await page.keyboard.type(`kim-${Date.now()}@example.test`);
      await page.keyboard.press('Tab');
      await page.keyboard.type('arrow-keys-4-all');
      await page.keyboard.press('Enter');

      // Signed up, the hold goes through and focus waits in the card field.
      await page.waitForSelector('#checkout-panel:not([hidden])');
      expect(await focusOf(page)).to.equal('card');
      await page.keyboard.type('4242 4242 4242 4242');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#confirmation:not([hidden])');
      expect(await focusOf(page)).to.equal('confirmation');
      expect(await page.textContent('#confirmation-text')).to.include('D8');

      await tabTo(page, '#confirmation a[href="#/bookings"]');
      await page.keyboard.press('Enter');
      const booking = page.locator('.booking[data-status="CONFIRMED"]');
      await booking.waitFor();
      expect(await focusOf(page)).to.equal('bookings-title');
      await tabTo(page, '.booking[data-status="CONFIRMED"] [data-action="cancel-booking"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.booking[data-status="REFUNDED"]');
      await expectStatus(pageB, show.seatIds[31]!, 'available');
    } finally {
      await ctx.close();
    }
  });
});
