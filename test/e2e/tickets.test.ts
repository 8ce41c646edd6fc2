import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ticketCode } from '../../tickets/codes.js';
import { expectAccessible } from '../support/axe.js';
import { confirmedBooking } from '../support/bookings.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, type LiveTestApi } from '../support/live.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PHONE = { width: 390, height: 844 };

describe('tickets in Chromium: the QR codes on My bookings, the usher’s check-in page', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let usher: TestUser;
  let bookingId: string;
  const pageErrors: string[] = [];

  before(async () => {
    assertWebBuildIsFresh();
    await mkdir(ARTIFACTS, { recursive: true });
    deps = await createTestDeps('tickets_e2e');
    worker = await startTestWorker(deps);
    api = await startLiveTestApi(deps);
    show = await createShowtime(deps.ds);
    [alice, usher] = await Promise.all([createUser(deps), createUser(deps, 'staff')]);
    bookingId = await confirmedBooking(api, alice, show.showtimeId, show.seatIds.slice(0, 2));
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });
  afterEach(function () {
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  const open = async (user: TestUser | null, url: string, viewport = PHONE): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, baseURL: api.baseUrl, acceptDownloads: true });
    if (user) await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(url);
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `tickets-${name}.png`), fullPage: true });
  const codeOf = (seatId: number) => ticketCode(deps.config.TICKET_SECRET, { bookingId, seatId });

  it('My bookings shows each ticket’s QR code and code, and downloads the PDF', async () => {
    const page = await open(alice, '/#/bookings', { width: 1280, height: 900 });
    const booking = page.locator(`li.booking[data-booking-id="${bookingId}"]`);
    await booking.locator('img.qr[src^="data:image/svg+xml"]').nth(1).waitFor();
    expect(await booking.locator('.ticket figcaption strong').allTextContents()).to.deep.equal(['Seat A1', 'Seat A2']);
    const codes = (await booking.locator('.ticket-code').allTextContents()).map((c) => c.replace(/ /g, ''));
    expect(codes).to.deep.equal([codeOf(show.seatIds[0]!), codeOf(show.seatIds[1]!)]);
    expect(await booking.locator('img.qr').first().getAttribute('alt')).to.equal('QR code of the ticket for seat A1');
    await expectAccessible(page, 'My bookings with tickets');
    await shot(page, 'bookings');
    const [download] = await Promise.all([page.waitForEvent('download'), booking.locator('[data-action="tickets-pdf"]').click()]);
    expect(download.suggestedFilename()).to.equal(`tickets-${bookingId}.pdf`);
    const pdf = await download.createReadStream().then(async (s) => {
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    });
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it('the usher page asks for a staff sign-in, and refuses a customer', async () => {
    const page = await open(null, '/checkin');
    await page.locator('#signin-view').waitFor();
    expect(await page.locator('#scan-view').isHidden()).to.equal(true);
    await expectAccessible(page, 'the check-in sign-in');
    const customer = await open(alice, '/checkin');
    await customer.locator('#signin-error', { hasText: 'for cinema staff' }).waitFor();
    expect(await customer.locator('#scan-view').isHidden()).to.equal(true);
  });

  it('the usher admits a code typed in by hand, then answers a second scan and a bad code unmistakably', async () => {
    const page = await open(usher, '/checkin');
    await page.locator('#scan-view').waitFor();
    // Headless Chromium on Linux has no BarcodeDetector: the page says so and takes typed codes.
    expect(await page.locator('#camera').isVisible()).to.not.equal(await page.locator('#camera-missing').isVisible());
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""')).to.equal('code-input');
    await expectAccessible(page, 'the check-in page, ready');

    const typed = codeOf(show.seatIds[0]!).toLowerCase().replace(/(.{4})/g, '$1 ');
    await page.keyboard.type(typed);
    await page.keyboard.press('Enter');
    await page.locator('#result[data-outcome="admitted"]').waitFor();
    expect(await page.locator('#result-headline').textContent()).to.equal('Admit');
    expect(await page.locator('#result-seat').textContent()).to.equal('Seat A1');
    expect(await page.locator('#result-detail').textContent()).to.include('Test Movie');
    expect(await page.locator('#code-input').inputValue()).to.equal('');
    expect(await page.evaluate<string>(`getComputedStyle(document.getElementById('result')).backgroundColor`)).to.equal('rgb(11, 93, 46)');
    await expectAccessible(page, 'the check-in page, admitted');
    await shot(page, 'checkin-admitted');
    const [row] = await deps.ds.query('SELECT checked_in_by FROM ticket_checkins WHERE booking_id = ? AND show_seat_id = ?', [bookingId, show.seatIds[0]]);
    expect(row).to.deep.equal({ checked_in_by: usher.id });

    await page.fill('#code-input', codeOf(show.seatIds[0]!));
    await page.click('#code-form button[type="submit"]');
    await page.locator('#result[data-outcome="already"]').waitFor();
    expect(await page.locator('#result-headline').textContent()).to.equal('Already checked in');
    await expectAccessible(page, 'the check-in page, already checked in');
    await shot(page, 'checkin-already');

    await page.fill('#code-input', 'T1 NOT A TICKET');
    await page.keyboard.press('Enter');
    await page.locator('#result[data-outcome="refused"]').waitFor();
    expect(await page.locator('#result-headline').textContent()).to.equal('Not a valid ticket');
    await expectAccessible(page, 'the check-in page, refused');
    await shot(page, 'checkin-refused');
  });
});
