import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.js';
import { buySeats, CHROMIUM_ARGS, consolePages, tabTo, type ConsolePages } from '../support/console.js';
import { csvRecords, flatten } from '../support/csv.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { testEnv } from '../support/env.js';
import { createShowtime, createUser, eventually, seatStatuses, type TestUser } from '../support/fixtures.js';
import { startLiveTestApi, type LiveTestApi } from '../support/live.js';
import { assertWebBuildIsFresh } from '../support/web-build.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { waitUntilTrue } from '../support/page-wait.js';

/**
 * The operators' console in Chromium against the real API, worker and
 * databases. Each test makes its own data and runs alone (mocha --grep).
 * Every view visited passes axe (no serious or critical violation).
 */
const UI = 'http://temporal-ui.test:8233';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const DAY_MS = 86_400_000;
const utcDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

describe('operators’ console in Chromium', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let worker: TestWorker;
  let api: LiveTestApi;
  let browser: Browser;
  let pages: ConsolePages;
  let admin: TestUser;
  let seq = 0;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  const adminApi = (method: string, url: string, body?: unknown) => api.request(method, `/api/v1${url}`, { token: admin.token, body });
  /** A film that may be scheduled from yesterday for two months, through the API. */
  const film = async (runtimeMin = 100): Promise<{ id: number; title: string }> => {
    const now = Date.now();
    const res = await adminApi('POST', '/admin/movies', {
      title: `E2E Film ${++seq}-${now.toString(36)}`,
      runtimeMin,
      rating: 'PG',
      releaseDate: utcDay(now - DAY_MS),
      availableFrom: new Date(now - DAY_MS).toISOString(),
      availableUntil: new Date(now + 60 * DAY_MS).toISOString(),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };

  before(async () => {
    assertWebBuildIsFresh();
    await mkdir(ARTIFACTS, { recursive: true });
    deps = await createTestDeps('console', { config: { TEMPORAL_UI_URL: `${UI}/`, BOOKING_CANCEL_CUTOFF_MINUTES: '60' } });
    worker = await startTestWorker(deps);
    api = await startLiveTestApi(deps);
    admin = await createUser(deps, 'admin');
    browser = await chromium.launch({ executablePath: testEnv.chromiumPath, headless: true, args: CHROMIUM_ARGS });
    pages = consolePages(browser, api.baseUrl);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });
  afterEach(function () {
    expect(pages.errors, 'uncaught errors in the page').to.deep.equal([]);
  });

  it('designs a small hall with pointer and keyboard, and buyers see exactly the previewed seat map', async () => {
    const page = await pages.open(admin);
    await page.goto('/admin#/halls/new');
    await page.waitForSelector('#preview-hall[data-ready="true"]');
    // The palette is the API's: every letter it knows, and the aisle.
    const rules = (await adminApi('GET', '/admin/hall-layouts/rules')).body;
    const offered = await page.locator('#palette input[name="tool"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect(offered).to.deep.equal([...rules.symbols.map((s: { symbol: string }) => s.symbol), rules.aisle]);
    await expectAccessible(page, 'the hall designer');

    const name = `E2E Hall ${Date.now().toString(36)}`;
    await page.fill('#hall-name', name);
    await page.fill('#hall-rows', '3');
    await page.fill('#hall-cols', '5');
    await page.press('#hall-cols', 'Tab');
    const cell = (r: number, c: number) => page.locator(`#layout-grid button[data-row="${r}"][data-col="${c}"]`);
    // Row B premium by dragging across it; row C VIP by clicks.
    await page.check('#palette input[value="P"]');
    const [from, to] = [await cell(1, 0).boundingBox(), await cell(1, 4).boundingBox()];
    await page.mouse.move(from!.x + 5, from!.y + 5);
    await page.mouse.down();
    await page.mouse.move(to!.x + 5, to!.y + 5, { steps: 8 });
    await page.mouse.up();
    await page.check('#palette input[value="V"]');
    for (let c = 0; c < 5; c++) await cell(2, c).click();
    // The aisle and the accessible seats from the keyboard: letters set a cell, arrows move.
    await cell(0, 0).focus();
    await page.keyboard.press('A');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    for (const key of ['.', 'ArrowDown', 'Delete', 'ArrowDown', 'Delete', 'ArrowRight', 'ArrowRight', 'ArrowUp', 'ArrowUp', 'A']) await page.keyboard.press(key);
    expect(await page.inputValue('#layout-text')).to.equal('AR.RA\nPP.PP\nVV.VV');
    await waitUntilTrue(page, `document.querySelectorAll('#preview-hall .seat').length === 12`);
    expect(await cell(0, 2).getAttribute('aria-label')).to.equal('Row A, column 3: aisle');

    // A broken layout: the API's own words, and no preview until it is fixed.
    await page.fill('#layout-text', 'AR.RA\nPP.PP\nVV.VV\nRRR');
    await page.waitForSelector('#layout-problems[data-valid="false"]', { state: 'attached' });
    expect(await page.textContent('#layout-problems')).to.include('row D has 3 columns; every row needs 5');
    await expectAccessible(page, 'the hall designer listing layout problems');
    await shot(page, '1-designer-problem');
    await page.fill('#layout-text', 'AR.RA\nPP.PP\nVV.VV');
    await page.waitForSelector('#layout-problems[data-valid="true"]', { state: 'attached' });
    await waitUntilTrue(page, `document.querySelectorAll('#preview-hall .seat').length === 12`);
    const previewed = await page.locator('#preview-hall .seat').evaluateAll((seats) => seats.map((s) => [s.getAttribute('aria-label'), s.getAttribute('style')]));
    await shot(page, '1-designer');

    await page.click('#hall-save');
    await waitUntilTrue(page, `/^#\\/halls\\/\\d+$/.test(location.hash)`);
    const hallId = Number((await page.evaluate<string>('location.hash')).split('/').pop());
    expect((await adminApi('GET', `/admin/halls/${hallId}`)).body).to.deep.include({ name, layout: ['AR.RA', 'PP.PP', 'VV.VV'], seatCount: 12 });

    // A showtime in the hall at the preview's base price: the buyer's seat map is the preview.
    const movie = await film();
    const startsAt = new Date(Date.now() + 3 * DAY_MS).toISOString();
    const show = await adminApi('POST', '/admin/showtimes', { movieId: movie.id, hallId, startsAt, basePrice: 1000 });
    expect(show.status, JSON.stringify(show.body)).to.equal(201);
    const buyer = await pages.open(null);
    await buyer.goto(`/#/showtimes/${show.body.id}`);
    await buyer.waitForSelector('#hall[data-ready="true"]');
    const seen = await buyer.locator('#hall .seat').evaluateAll((seats) => seats.map((s) => [s.getAttribute('aria-label'), s.getAttribute('style')]));
    expect(seen).to.deep.equal(previewed);
    expect(seen[0]![0]).to.equal('Row A seat 1, wheelchair space, $10.00, available');

    // Once a seat is sold, the designer says what the API refuses, and the grid cannot be edited.
    const customer = await createUser(deps);
    const map = (await api.request('GET', `/api/v1/showtimes/${show.body.id}/seats`)).body;
    await buySeats(api, customer, { showtimeId: show.body.id, hallId, movieId: movie.id, seatIds: [], startsAt: new Date(startsAt) }, [map.seats[0].id]);
    await page.reload();
    await page.waitForSelector('#hall-rules li[data-allowed="false"]');
    expect(await page.textContent('#hall-rules')).to.match(/New layout: refused\. Its showtimes have 1 booking\(s\) and 1 held or booked seat\(s\)/);
    expect(await cell(0, 1).getAttribute('aria-disabled')).to.equal('true');
    await cell(0, 1).click({ force: true });
    expect(await page.inputValue('#layout-text')).to.equal('AR.RA\nPP.PP\nVV.VV');
    await expectAccessible(page, 'the designer of a hall with sold seats');
  });

  it('schedules a showtime in a hall’s week, sees an overlap refused where it happens, moves it, and cancels it with its refunds', async () => {
    const movie = await film(100);
    const hall = (await adminApi('POST', '/admin/halls', { name: `Week Hall ${Date.now().toString(36)}`, layout: ['RRRR', 'RRRR'] })).body;
    const day = utcDay(Date.now() + 8 * DAY_MS);
    const page = await pages.open(admin, { width: 1024, height: 1366 }); // a tablet, upright
    await page.goto(`/admin#/schedule?hall=${hall.id}&week=${day}`);
    await page.waitForSelector(`#new-movie option[value="${movie.id}"]`, { state: 'attached' });
    await expectAccessible(page, 'the schedule');

    await page.selectOption('#new-movie', String(movie.id));
    await page.fill('#new-start', `${day}T18:00`);
    await page.fill('#new-price', '12.50');
    await page.click('#new-showtime button[type="submit"]');
    const block = page.locator('#week-grid .show[data-showtime-id]');
    await block.waitFor();
    const id = Number(await block.getAttribute('data-showtime-id'));
    expect(await block.locator('.film').textContent()).to.match(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \w+ \d+, 06:00 PM–07:40 PM E2E Film \S+ 0\/8 sold$/);
    expect(await block.locator('.buffer').textContent()).to.equal('cleaning 15 min, free 07:55 PM');
    expect((await adminApi('GET', `/admin/showtimes?hall=${hall.id}`)).body.items.map((s: { id: number; basePrice: number }) => [s.id, s.basePrice])).to.deep.equal([[id, 1250]]);

    // 19:00 falls inside the first showtime's film and buffer: refused where it would have gone.
    await page.fill('#new-start', `${day}T19:00`);
    await page.click('#new-showtime button[type="submit"]');
    await page.waitForSelector('#week-grid .show.ghost');
    expect(await page.textContent('#new-showtime-error')).to.include(`is busy until ${day}T19:55:00.000Z with showtime ${id}`);
    expect(await block.getAttribute('data-conflict')).to.equal('true');
    expect(await page.locator('#week-grid .show[data-showtime-id]').count()).to.equal(1);
    await expectAccessible(page, 'the schedule with a refused overlap');
    await shot(page, '2-overlap');

    // Move it by the keyboard: select the block, then the panel's form.
    await block.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#showtime-panel:not([hidden]) #move-start');
    await page.fill('#move-start', `${day}T20:30`);
    await tabTo(page, '#move-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitUntilTrue(page, `/08:30 PM–10:10 PM/.test(document.querySelector('#week-grid .show[data-showtime-id]')?.textContent ?? '')`);
    expect(await page.locator('#week-grid .show.ghost').count(), 'the refusal is cleared').to.equal(0);

    // Sold seats: cancelling asks first and says how many refunds it starts.
    const customer = await createUser(deps);
    const seats = (await api.request('GET', `/api/v1/showtimes/${id}/seats`)).body.seats.map((s: { id: number }) => s.id);
    const show = { showtimeId: id, hallId: hall.id, movieId: movie.id, seatIds: seats, startsAt: new Date() };
    const sold = [await buySeats(api, customer, show, seats.slice(0, 2)), await buySeats(api, customer, show, seats.slice(2, 3))];
    await page.reload();
    await page.locator('#week-grid .show[data-showtime-id]').click();
    await page.click('#cancel-showtime');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#refund-preview')).to.include('Cancelling starts 2 refunds');
    await expectAccessible(page, 'the cancel-showtime confirmation');
    await page.fill('#confirm-reason', 'projector repair');
    await page.click('#confirm-ok');
    await page.waitForSelector(`#week-grid .show[data-showtime-id="${id}"][data-status="cancelled"]`);
    expect(await page.textContent('#notice')).to.match(/: 2 refunds started, 0 open checkouts ended\.$/);
    await eventually(async () => {
      const statuses = await Promise.all(sold.map(async (b) => (await adminApi('GET', `/admin/bookings/${b}`)).body.status));
      return statuses.every((s) => s === 'REFUNDED');
    }, 20_000);
    expect((await seatStatuses(deps.ds, seats.slice(0, 3))).map((s) => s.status)).to.deep.equal(['available', 'available', 'available']);
  });

  it('finds a booking by the customer’s email and links it to its workflow in the Temporal UI; staff read it without actions', async () => {
    const show = await createShowtime(deps.ds);
    const customer = await createUser(deps);
    const id = await buySeats(api, customer, show, show.seatIds.slice(0, 2));
    const page = await pages.open(admin);
    await page.goto('/admin#/bookings');
    await page.waitForSelector('#booking-search input[name="email"]');
    await expectAccessible(page, 'the booking search');
    await page.fill('#booking-search input[name="email"]', customer.email.toUpperCase());
    await page.selectOption('#booking-search select[name="status"]', 'CONFIRMED');
    await page.click('#booking-search button[type="submit"]');
    await waitUntilTrue(page, `document.getElementById('bookings-summary')?.textContent === '1 booking found, newest first.'`);
    const found = page.locator(`#bookings-table a[data-booking-id="${id}"]`);
    expect(await page.locator('#bookings-table tbody tr').count()).to.equal(1);
    await found.click();
    await page.waitForSelector('#workflow-link');
    expect(await page.getAttribute('#workflow-link', 'href')).to.equal(`${UI}/namespaces/default/workflows/${id}`);
    expect(await page.getAttribute('#workflow-link', 'target')).to.equal('_blank');
    expect(await page.locator('#booking-detail button[data-action="cancel"]').count()).to.equal(1);
    await expectAccessible(page, 'a booking');
    await shot(page, '3-booking');

    // A staff member signs in with the console's own form: bookings only, read only.
    const email = `staff-${Date.now()}@example.test`;
    const registered = await api.request('POST', '/api/v1/auth/register', { body: { email, password: 'door-staff-42', name: 'Sam Staff' }, headers: { 'x-forwarded-for': '2001:db8::5' } });
    expect(registered.status).to.equal(201);
    expect((await adminApi('PUT', `/admin/users/${registered.body.user.id}/role`, { role: 'staff' })).status).to.equal(200);
    const staff = await pages.open(null, { width: 820, height: 1180 });
    await staff.goto(`/admin#/bookings/${id}`);
    await staff.waitForSelector('#signin-view:not([hidden])');
    await expectAccessible(staff, 'the console sign-in');
    await staff.fill('#signin-email', email);
    await staff.fill('#signin-password', 'door-staff-42');
    await staff.press('#signin-password', 'Enter');
    await staff.waitForSelector('#workflow-link');
    expect(await staff.locator('#console-nav a:visible').allTextContents()).to.deep.equal(['Bookings']);
    expect(await staff.locator('#booking-detail button[data-action]').count()).to.equal(0);
    expect(await staff.textContent('#booking-detail')).to.include('Read only');
    await expectAccessible(staff, 'a booking, read by staff');
    await staff.goto('/admin#/reports');
    await staff.waitForSelector('#denied-view:not([hidden])');
    expect((await api.request('GET', '/api/v1/admin/reports/popular', { token: (await staff.evaluate<string>(`localStorage.getItem('marquee.token')`)) })).status).to.equal(403);
  });

  it('refunds a booking past the customer’s cut-off from the keyboard, and the audit trail shows who did it', async () => {
    const show = await createShowtime(deps.ds, { startsInMinutes: 30 });
    const customer = await createUser(deps);
    const id = await buySeats(api, customer, show, show.seatIds.slice(0, 1));
    const page = await pages.open(admin);
    await page.goto(`/admin#/bookings/${id}`);
    await page.waitForSelector('#workflow-link');
    await tabTo(page, '#booking-detail button[data-action="cancel"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.evaluate<string>('document.activeElement?.id')).to.equal('confirm-reason');
    await expectAccessible(page, 'the refund confirmation');
    await page.keyboard.type('double booking at the box office');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#booking-detail .badge[data-status="REFUNDED"]');
    const entry = page.locator('#booking-audit tbody tr').first();
    expect(await entry.textContent()).to.include('booking.cancel').and.include('double booking at the box office').and.include(admin.email);
    expect(await entry.locator('a[href*="workflows"]').getAttribute('href')).to.equal(`${UI}/namespaces/default/workflows/cancel-${id}`);
    expect(await page.getAttribute('#refunds-table a', 'href')).to.equal(`${UI}/namespaces/default/workflows/cancel-${id}`);
    expect((await seatStatuses(deps.ds, show.seatIds.slice(0, 1)))[0]!.status).to.equal('available');
    await shot(page, '4-refunded');

    await page.goto(`/admin#/audit?resource=booking&resourceId=${id}`);
    await page.waitForSelector('#audit-table tbody tr code');
    expect(await page.locator('#audit-table tbody tr').count()).to.equal(1);
    expect(await page.textContent('#audit-table tbody tr')).to.include('booking.cancel');
    await expectAccessible(page, 'the audit trail');
  });

  it('draws the reports and downloads CSVs whose rows are the report API’s', async () => {
    const show = await createShowtime(deps.ds, { startsInMinutes: 5 * 24 * 60, layout: ['AARR', 'PPVV'] });
    const [ann, bea] = [await createUser(deps), await createUser(deps)];
    await buySeats(api, ann, show, show.seatIds.slice(0, 3));
    await buySeats(api, bea, show, show.seatIds.slice(4, 6));
    const day = utcDay(show.startsAt.getTime());
    const page = await pages.open(admin);
    await page.goto(`/admin#/reports?from=${day}&to=${day}`);
    for (const chart of ['occupancy-by-day', 'revenue-USD', 'popular', 'sales-seat-type']) await page.waitForSelector(`#${chart}-chart`);
    expect(await page.getAttribute('#occupancy-by-day-chart', 'role')).to.equal('img');
    await expectAccessible(page, 'the reports');
    await shot(page, '5-reports');

    const downloads: [string, string][] = [
      ['occupancy-by-day', `/admin/reports/occupancy-by-day?from=${day}&to=${day}`],
      ['sales-seat-type', `/admin/reports/sales?by=seat-type&from=${day}&to=${day}`],
      ['revenue-USD', `/admin/reports/revenue?from=${day}&to=${day}`],
    ];
    const csv = new Map<string, Record<string, string>[]>();
    for (const [card, url] of downloads) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-csv="${card}"]`)]);
      expect(download.suggestedFilename(), card).to.match(/\.csv$/);
      const rows = csvRecords(await readFile((await download.path())!, 'utf8'));
      const json = (await adminApi('GET', url)).body;
      const items: Record<string, unknown>[] = json.items ?? json.byDay;
      expect(rows.length, card).to.be.greaterThan(0);
      expect(rows, card).to.deep.equal(items.map((i) => flatten(i)));
      csv.set(card, rows);
    }
    expect(csv.get('sales-seat-type')!.filter((r) => r.currency === 'USD').map((r) => [r.key, r.seats])).to.include.deep.members([
      ['accessible', '2'],
      ['premium', '2'],
      ['regular', '1'],
    ]);
  });

  it('creates promo codes (a wrong one explained, nothing saved), deactivates one, deletes one nobody redeemed, and keeps a redeemed one deactivated', async () => {
    const page = await pages.open(admin, { width: 1280, height: 900 });
    await page.goto('/admin#/promo-codes');
    await page.waitForSelector('#promo-table tbody tr');
    const codeRow = async (code: string) => (await deps.ds.query('SELECT kind, value, max_redemptions, per_user_limit, active FROM promo_codes WHERE code = ?', [code]))[0];
    const noticeSays = (text: string) => waitUntilTrue(page, `(document.getElementById('notice')?.textContent ?? '').includes(${JSON.stringify(text)})`);
    const rowText = (code: string) => page.locator('#promo-table tbody tr', { hasText: code }).innerText();

    await page.fill('#promo-form [name=code]', 'summer');
    await page.fill('#promo-form [name=value]', '150');
    await page.click('#promo-form button[type=submit]');
    await waitUntilTrue(page, `/1–100/.test(document.getElementById('promo-error')?.textContent ?? '')`);
    expect(await codeRow('SUMMER'), 'a refused code is not saved').to.equal(undefined);

    await page.fill('#promo-form [name=value]', '15');
    await page.fill('#promo-form [name=maxRedemptions]', '100');
    await page.fill('#promo-form [name=perUserLimit]', '1');
    await page.click('#promo-form button[type=submit]');
    await noticeSays('SUMMER is created: 15 % off.');
    expect(await page.textContent('#promo-error')).to.equal('');
    expect(await codeRow('SUMMER')).to.deep.equal({ kind: 'percent', value: 15, max_redemptions: 100, per_user_limit: 1, active: 1 });
    expect(await rowText('SUMMER')).to.match(/15 % off[\s\S]*always[\s\S]*every showtime[\s\S]*0 of 100[\s\S]*1[\s\S]*active/);

    await page.fill('#promo-form [name=code]', 'fiveoff');
    await page.selectOption('#promo-form [name=kind]', 'fixed');
    await page.fill('#promo-form [name=value]', '5.00');
    await page.click('#promo-form button[type=submit]');
    await noticeSays('FIVEOFF is created: 5.00 off.');
    expect(await codeRow('FIVEOFF')).to.deep.include({ kind: 'fixed', value: 500, max_redemptions: null, per_user_limit: null });
    await expectAccessible(page, 'the promo codes');
    await shot(page, 'promo-codes');

    // A buyer redeems FIVEOFF: from now on it can only be deactivated.
    const show = await createShowtime(deps.ds);
    const buyer = await createUser(deps);
    const held = await api.request('POST', '/api/v1/checkouts', { token: buyer.token, body: { showtimeId: show.showtimeId, seatIds: [show.seatIds[0]], promoCode: 'FIVEOFF' } });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);

    await page.click('button[aria-label="Deactivate SUMMER"]');
    await noticeSays('SUMMER is inactive');
    expect((await codeRow('SUMMER')).active).to.equal(0);
    expect(await rowText('SUMMER')).to.match(/inactive/);

    await page.click('button[aria-label="Delete SUMMER"]');
    await page.click('#confirm-ok');
    await noticeSays('SUMMER is deleted.');
    expect(await codeRow('SUMMER')).to.equal(undefined);

    await page.click('button[aria-label="Delete FIVEOFF"]');
    await page.click('#confirm-ok');
    await noticeSays('FIVEOFF was redeemed, so it is kept, deactivated.');
    expect(await codeRow('FIVEOFF')).to.deep.include({ active: 0 });
    expect(await rowText('FIVEOFF')).to.match(/1[\s\S]*inactive/);
  });

  it('sets a ticket type’s price per seat type and takes another off sale; adult cannot change; a wrong price is explained and saves nothing', async () => {
    const page = await pages.open(admin, { width: 1280, height: 900 });
    await page.goto('/admin#/ticket-types');
    const rule = (type: string, seat: string) => page.locator(`.rule[data-ticket-type="${type}"][data-seat-type="${seat}"]`);
    await rule('child', 'regular').waitFor();
    const childRules = async () =>
      (await deps.ds.query("SELECT seat_type, kind, value FROM ticket_type_rules WHERE ticket_type = 'child' ORDER BY seat_type")).map((r: { seat_type: string; kind: string; value: number }) => [r.seat_type, r.kind, r.value]);
    const before = await childRules();
    expect(await rule('adult', 'regular').locator('input').isDisabled(), 'adult is the seat’s price').to.equal(true);
    expect(await page.locator('input[name=onSale][data-ticket-type="adult"]').isDisabled()).to.equal(true);
    await expectAccessible(page, 'the ticket types');
    await shot(page, 'ticket-types');

    await rule('child', 'regular').locator('input').fill('150');
    await page.click('button[data-save-ticket-type="child"]');
    await waitUntilTrue(page, `/Child: .*100/.test(document.getElementById('notice')?.textContent ?? '')`);
    expect(await childRules(), 'a refused change saves nothing').to.deep.equal(before);

    await rule('child', 'regular').locator('input').fill('60');
    await rule('child', 'vip').locator('select').selectOption('fixed');
    await rule('child', 'vip').locator('input').fill('9.50');
    await page.click('button[data-save-ticket-type="child"]');
    await waitUntilTrue(page, `/Child is saved/.test(document.getElementById('notice')?.textContent ?? '')`);
    const after = await childRules();
    expect(after).to.deep.include.members([
      ['regular', 'percent', 60],
      ['vip', 'fixed', 950],
    ]);

    await page.uncheck('input[name=onSale][data-ticket-type="student"]');
    await page.click('button[data-save-ticket-type="student"]');
    await waitUntilTrue(page, `/Student is saved \\(not on sale\\)/.test(document.getElementById('notice')?.textContent ?? '')`);
    expect((await deps.ds.query("SELECT on_sale FROM ticket_types WHERE code = 'student'"))[0].on_sale).to.equal(0);
    expect(await page.locator('input[name=onSale][data-ticket-type="student"]').isChecked(), 'the page shows what was saved').to.equal(false);

    const audit = await deps.ds.query("SELECT resource_id FROM audit_log WHERE action = 'ticket-type.update' ORDER BY id");
    expect(audit.map((a: { resource_id: string }) => a.resource_id)).to.deep.equal(['child', 'student']);
    await adminApi('PATCH', '/admin/ticket-types/student', { onSale: true });
  });

  it('grants the staff role to a user on a tablet; the change is in the audit trail', async () => {
    const user = await createUser(deps);
    const page = await pages.open(admin, { width: 820, height: 1180 });
    await page.goto(`/admin#/users?q=${encodeURIComponent(user.email)}`);
    const select = page.locator(`select[data-user-id="${user.id}"]`);
    await select.waitFor();
    await expectAccessible(page, 'the users');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), 'fits a tablet without scrolling sideways').to.be.at.most(0);
    await select.selectOption('staff');
    await page.click(`button[data-save-role="${user.id}"]`);
    await waitUntilTrue(page, `/is now staff/.test(document.getElementById('notice')?.textContent ?? '')`);
    expect((await deps.ds.query('SELECT role FROM users WHERE id = ?', [user.id]))[0].role).to.equal('staff');
    await page.goto(`/admin#/audit?resource=user&resourceId=${user.id}`);
    await page.waitForSelector('#audit-table tbody tr code');
    expect(await page.textContent('#audit-table tbody')).to.include('user.role').and.include('user → staff');
  });
});
