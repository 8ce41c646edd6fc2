import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSeatEventPublisher, type SeatEventPublisher } from '../../live/publisher.js';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import { expectAccessible } from '../support/axe.js';
import { confirmedBooking } from '../support/bookings.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, startPrivateRedis, type LiveTestApi, type PrivateRedis } from '../support/live.js';
import { waitUntilTrue } from '../support/page-wait.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, terminateWaitlists, type TestWorker } from '../support/worker.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Entry {
  waitlistId: string;
  status: string;
  position: number | null;
  offer: { checkoutId: string } | null;
}

/**
 * The waitlist as a buyer meets it on the showtime page: offered when the
 * showtime cannot seat them, a place in line that moves live, an offer that
 * arrives without a reload and is paid in the basket. Each test sells out a
 * showtime of its own.
 */
describe('waitlist in Chromium: join a sold-out showtime, an offer arrives live, pay it or leave', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let deps: TestDeps;
  let publisher: SeatEventPublisher;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let seller: TestUser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assertWebBuildIsFresh();
    redis = await startPrivateRedis();
    deps = await createTestDeps('waitlist_e2e', { config: { REDIS_URL: redis.url } });
    publisher = createSeatEventPublisher(redis.url, deps.config.REDIS_PREFIX, deps.log);
    worker = await startTestWorker(deps, { publisher });
    api = await startLiveTestApi(deps);
    seller = await createUser(deps);
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0), 'uncaught errors in the page').to.deep.equal([]);
  });
  after(async () => {
    // The lines of this suite's showtimes would otherwise wait on the shared Temporal server until their showtimes start.
    if (deps) await terminateWaitlists(deps);
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await publisher?.close();
    await deps?.close();
    await redis?.kill();
  });

  /** A showtime of one row of four, every seat booked by the seller two at a time: answers the booking ids. */
  const soldOut = async (): Promise<{ show: ShowtimeFixture; bookings: string[] }> => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    const bookings = [
      await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(0, 2)),
      await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(2, 4)),
    ];
    return { show, bookings };
  };
  /** The showtime's page, drawn and live, signed in as `user` (or signed out). */
  const open = async (user: TestUser | null, show: ShowtimeFixture): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: api.baseUrl });
    contexts.push(ctx);
    if (user) await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.waitForSelector('#hall[data-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
    return page;
  };
  const panelIn = (page: Page, status: string) => page.waitForSelector(`#waitlist-panel[data-status="${status}"]:not([hidden])`);
  const panelText = (page: Page) => page.textContent('#waitlist-panel');
  const joinOnPage = async (page: Page, count: number) => {
    await page.selectOption('#waitlist-count', String(count));
    await page.click('#waitlist-join');
    await panelIn(page, 'waiting');
  };
  const entries = async (user: TestUser): Promise<Entry[]> => (await api.request('GET', '/api/v1/waitlist', { token: user.token })).body.items;

  it('a sold-out showtime offers "Join the waitlist"; joining shows place 1, a second buyer place 2, and My bookings lists it', async () => {
    const { show } = await soldOut();
    const [alice, bob] = [await createUser(deps), await createUser(deps)];

    const visitor = await open(null, show);
    await panelIn(visitor, 'join');
    expect(await visitor.isVisible('#waitlist-signin'), 'signed out: asked to sign in').to.equal(true);
    expect(await visitor.isHidden('#waitlist-form')).to.equal(true);

    const pageA = await open(alice, show);
    await panelIn(pageA, 'join');
    expect(await pageA.textContent('#waitlist-join')).to.equal('Join the waitlist');
    expect(await pageA.locator('#waitlist-count option').count(), 'one choice per seat a checkout may hold').to.equal(deps.config.MAX_SEATS_PER_CHECKOUT);
    await expectAccessible(pageA, 'a sold-out showtime offering the waitlist');
    await joinOnPage(pageA, 2);
    expect(await panelText(pageA)).to.include('Number 1 in line for 2 seats');
    await waitUntilTrue(pageA, `document.getElementById('announcer').textContent.includes('number 1 in the waitlist')`);
    await expectAccessible(pageA, 'in line on the waitlist');

    const pageB = await open(bob, show);
    await joinOnPage(pageB, 1);
    expect(await panelText(pageB)).to.include('Number 2 in line for 1 seat');

    const [a] = await entries(alice);
    const [b] = await entries(bob);
    expect(a).to.deep.include({ status: 'waiting', position: 1, count: 2 });
    expect(b).to.deep.include({ status: 'waiting', position: 2, count: 1 });

    await pageA.click('#bookings-link');
    const item = pageA.locator(`#waitlist-list li[data-waitlist-id="${a!.waitlistId}"]`);
    await item.waitFor();
    expect(await item.textContent()).to.include('number 1 in line');
    await expectAccessible(pageA, 'My bookings with a waitlist entry');
  });

  it('THE LIVE OFFER: a cancelled booking becomes seats held for the first in line, shown without a reload; paying books them', async () => {
    const { show, bookings } = await soldOut();
    const [alice, bob] = [await createUser(deps), await createUser(deps)];
    const pageA = await open(alice, show);
    await panelIn(pageA, 'join');
    await joinOnPage(pageA, 2);
    const pageB = await open(bob, show);
    await joinOnPage(pageB, 2);
    expect(await panelText(pageB)).to.include('Number 2 in line');
    await pageA.evaluate('window.sameDocument = true');

    // Another buyer cancels: the line is offered the seats.
    const cancelled = await api.request('POST', `/api/v1/bookings/${bookings[0]}/cancel`, { token: seller.token, body: {} });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.be.oneOf([200, 202]);

    await panelIn(pageA, 'offered');
    await pageA.waitForSelector('#checkout-panel:not([hidden])');
    expect(await pageA.evaluate<boolean>('window.sameDocument === true'), 'no reload').to.equal(true);
    expect(await panelText(pageA)).to.match(/Seats A1, A2 are held for you until \d/);
    expect(await pageA.textContent('#pay-btn')).to.equal('Pay $20.00');
    for (const label of ['A1', 'A2']) expect(await pageA.getAttribute(`#hall .seat[data-label="${label}"]`, 'data-mine')).to.equal('true');
    const [offered] = await entries(alice);
    expect(offered).to.deep.include({ status: 'offered' });
    expect(await pageA.getAttribute('#countdown', 'data-expires-at')).to.not.equal('');
    await expectAccessible(pageA, 'a waitlist offer to pay');
    // The one behind moved up, live as well.
    await waitUntilTrue(pageB, `document.getElementById('waitlist-text').textContent.includes('Number 1 in line')`);

    await pageA.fill('#card', MOCK_CARDS.succeeds);
    await pageA.click('#pay-btn');
    await pageA.waitForSelector('#confirmation:not([hidden])');
    await panelIn(pageA, 'booked');
    const [booked] = await entries(alice);
    expect(booked).to.deep.include({ status: 'booked' });
    const booking = await api.request('GET', `/api/v1/bookings/${offered!.offer!.checkoutId}`, { token: alice.token });
    expect(booking.body.status).to.equal('CONFIRMED');
    expect(booking.body.seats.map((s: { label: string }) => s.label)).to.deep.equal(['A1', 'A2']);
  });

  it('leaving the waitlist from the page takes the buyer out of the line', async () => {
    const { show } = await soldOut();
    const alice = await createUser(deps);
    const page = await open(alice, show);
    await panelIn(page, 'join');
    await joinOnPage(page, 1);
    const [joined] = await entries(alice);

    await page.click('#waitlist-leave');
    await panelIn(page, 'left');
    expect(await page.isVisible('#waitlist-form'), 'may join again while sold out').to.equal(true);
    expect(await page.isHidden('#waitlist-leave')).to.equal(true);
    const entry = await api.request('GET', `/api/v1/waitlist/${joined!.waitlistId}`, { token: alice.token });
    expect(entry.body).to.deep.include({ status: 'left', position: null });
    await expectAccessible(page, 'after leaving the waitlist');
  });

  it('a showtime with free seats does not offer the waitlist, until "best seats for N" finds no N seats', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    await confirmedBooking(api, seller, show.showtimeId, show.seatIds.slice(0, 2));
    const alice = await createUser(deps);
    const page = await open(alice, show);
    // The counts are drawn with the panel's state (both from the seat map): no waitlist with seats free.
    await waitUntilTrue(page, `document.getElementById('seat-counts').textContent.startsWith('2 available')`);
    expect(await page.isHidden('#waitlist-panel')).to.equal(true);

    await page.selectOption('#best-count', '3');
    await page.click('#best-btn');
    await panelIn(page, 'join');
    expect(await page.textContent('#waitlist-title')).to.equal('Not enough seats together');
    expect(await page.inputValue('#waitlist-count')).to.equal('3');
    await joinOnPage(page, 3);
    const [entry] = await entries(alice);
    expect(entry).to.deep.include({ status: 'waiting', position: 1, count: 3 });
  });
});
