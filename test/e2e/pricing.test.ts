import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, type LiveTestApi } from '../support/live.js';
import { createPromoCode } from '../support/promo-codes.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { waitUntilTrue } from '../support/page-wait.js';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A buyer picks a child ticket and types a promo code, pays, and finds the lines, the discount and the QR codes on My bookings. */
describe('prices in Chromium: a child ticket and a promo code, through paying, to the QR codes on My bookings', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let show: ShowtimeFixture;
  let buyer: TestUser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assertWebBuildIsFresh();
    await mkdir(ARTIFACTS, { recursive: true });
    deps = await createTestDeps('pricing_e2e', { config: { HOLD_TTL_SECONDS: '300' } });
    worker = await startTestWorker(deps);
    api = await startLiveTestApi(deps);
    // Row A regular seats at 1000: a child ticket is 700 (70 %).
    show = await createShowtime(deps.ds, { layout: ['RRRRRRRR', 'RRRRRRRR'], basePrice: 1000 });
    buyer = await createUser(deps);
    const admin = await createUser(deps, 'admin');
    await createPromoCode(api, admin, { code: 'KIDS20', kind: 'percent', value: 20 });
    await createPromoCode(api, admin, { code: 'ONUS', kind: 'percent', value: 100 });
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: api.baseUrl });
    await context.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(buyer.token)})`);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });
  afterEach(() => {
    expect(pageErrors.splice(0), 'uncaught errors in the page').to.deep.equal([]);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `pricing-${name}.png`), fullPage: true });
  const seatAt = (label: string) => page.locator(`#hall .seat[data-label="${label}"]`);
  const a1 = () => show.seatIds[0]!;

  it('a child ticket, a promo code refused then accepted, paid, and on My bookings with its lines, discount and QR codes', async () => {
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.waitForSelector('#hall[data-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
    await seatAt('A1').click();
    await seatAt('A2').click();

    // Each picked seat offers the ticket types on sale with their prices; adult until another is chosen.
    const childSelect = page.locator(`select.ticket-type[data-seat-id="${a1()}"]`);
    expect(await childSelect.getAttribute('aria-label')).to.equal('Ticket type for seat A1');
    expect(await childSelect.locator('option').allTextContents()).to.deep.equal(['Adult $10.00', 'Child $7.00', 'Senior $8.00', 'Student $8.50']);
    expect(await childSelect.inputValue()).to.equal('adult');
    await childSelect.selectOption('child');
    await waitUntilTrue(page, `document.getElementById('total')?.textContent === '$17.00'`);
    expect(await page.textContent('#hold-btn')).to.equal('Hold 2 seats · $17.00');
    expect(await page.textContent(`#selected-list li[data-seat-id="${a1()}"] .price`)).to.equal('$7.00');
    await expectAccessible(page, 'the basket with a ticket type chosen per seat');
    await shot('1-basket');

    // A code that does not exist is refused beside the field; nothing is held.
    await page.fill('#promo-code', 'nope-code');
    await page.click('#hold-btn');
    await waitUntilTrue(page, `/no such promo code/i.test(document.getElementById('promo-error')?.textContent ?? '')`);
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""')).to.equal('promo-code');
    expect(await page.getAttribute('#promo-code', 'aria-invalid')).to.equal('true');
    expect(await page.isHidden('#checkout-panel')).to.equal(true);
    expect(Number((await deps.ds.query('SELECT COUNT(*) AS n FROM bookings WHERE user_id = ?', [buyer.id]))[0].n)).to.equal(0);
    await expectAccessible(page, 'a refused promo code');
    await shot('2-promo-refused');

    await page.fill('#promo-code', 'kids20');
    await page.click('#hold-btn');
    await page.waitForSelector('#checkout-panel:not([hidden])');
    expect(await page.locator('#held-list li').allTextContents()).to.deep.equal(['A1 · Child$7.00', 'A2 · Adult$10.00']);
    expect(await page.isVisible('#checkout-discount')).to.equal(true);
    expect(await page.textContent('#discount-code')).to.equal('KIDS20');
    // 20 % of 1700.
    expect(await page.textContent('#discount-amount')).to.equal('−$3.40');
    expect(await page.textContent('#checkout-total')).to.equal('$13.60');
    expect(await page.textContent('#pay-btn')).to.equal('Pay $13.60');
    await expectAccessible(page, 'checkout with a child ticket and a discount');
    await shot('3-checkout');

    await page.fill('#card', '4242 4242 4242 4242');
    await page.click('#pay-btn');
    await page.waitForSelector('#confirmation:not([hidden])');
    expect(await page.textContent('#confirmation-text')).to.match(/seats A1 \(child\), A2 \(adult\), \$13\.60 paid with promo code KIDS20\./);
    const [booking] = await deps.ds.query("SELECT id, amount, discount, promo_code FROM bookings WHERE user_id = ? AND status = 'CONFIRMED'", [buyer.id]);
    expect(booking).to.include({ amount: 1360, discount: 340, promo_code: 'KIDS20' });
    expect(
      (await deps.ds.query('SELECT ticket_type, price, discount FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [booking.id])).map(
        (r: { ticket_type: string; price: number; discount: number }) => [r.ticket_type, r.price, r.discount],
      ),
    ).to.deep.equal([
      ['child', 700, 140],
      ['adult', 1000, 200],
    ]);

    await page.click('#confirmation a[href="#/bookings"]');
    const item = page.locator(`li.booking[data-booking-id="${booking.id}"][data-status="CONFIRMED"]`);
    await item.locator('img.qr[src^="data:image/svg+xml"]').nth(1).waitFor();
    expect(await item.locator('.lines li').allTextContents()).to.deep.equal(['A1 · Child$7.00', 'A2 · Adult$10.00']);
    expect(await item.locator('.lines-discount').textContent()).to.equal('Promo code KIDS20: −$3.40');
    expect(await item.locator('.lines-total').textContent()).to.equal('Total $13.60');
    expect(await item.locator('.ticket figcaption strong').allTextContents()).to.deep.equal(['Seat A1', 'Seat A2']);
    expect(await item.locator('.ticket figcaption .ticket-type').allTextContents()).to.deep.equal(['Child', 'Adult']);
    expect(await item.locator('img.qr').first().getAttribute('alt')).to.equal('QR code of the ticket for seat A1');
    await expectAccessible(page, 'My bookings with line items, a discount and QR codes');
    await shot('4-bookings');
  });

  it('a code that covers the whole booking: no card asked for, the booking confirmed free', async () => {
    await page.goto(`/#/showtimes/${show.showtimeId}`);
    await page.reload();
    await page.waitForSelector('#hall[data-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
    await seatAt('B1').click();
    await waitUntilTrue(page, `document.getElementById('total')?.textContent === '$10.00'`);
    await page.fill('#promo-code', 'onus');
    await page.click('#hold-btn');
    await page.waitForSelector('#checkout-panel:not([hidden])');
    expect(await page.textContent('#checkout-total')).to.equal('$0.00');
    expect(await page.isHidden('#card-fields'), 'no card field').to.equal(true);
    expect(await page.isVisible('#free-note')).to.equal(true);
    expect(await page.textContent('#checkout-title')).to.equal('Confirm your seats');
    expect(await page.textContent('#pay-btn')).to.equal('Confirm free booking');
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""'), 'focus on the button that books').to.equal('pay-btn');
    await expectAccessible(page, 'checkout of a free booking');
    await shot('5-free-checkout');

    await page.click('#pay-btn');
    await page.waitForSelector('#confirmation:not([hidden])');
    expect(await page.textContent('#confirmation-text')).to.match(/seats B1 \(adult\), free with promo code ONUS\./);
    const [booking] = await deps.ds.query("SELECT amount, payment_provider FROM bookings WHERE user_id = ? AND promo_code = 'ONUS' AND status = 'CONFIRMED'", [buyer.id]);
    expect(booking).to.deep.equal({ amount: 0, payment_provider: 'free' });
  });
});
