/**
 * The screenshots of docs/console.md: the console on the seeded demo cinema
 * with some sales, in Chromium, written to docs/img/console-*.png.
 *
 *   npm run build:web && TEMPORAL_ADDRESS=127.0.0.1:7233 npx tsx scripts/console-screenshots.ts
 *
 * Needs what the integration tests need (MariaDB, Redis, a Temporal server;
 * CHROMIUM_PATH if Chromium is not /usr/bin/chromium). It works in a
 * throw-away database and removes it. KEEP=1 leaves the console running and
 * prints its address and an admin token, to look around by hand.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { seed } from '../db/seed.js';
import { MOCK_CARDS } from '../payments/mock-provider.js';
import { issueToken } from '../api/auth.js';
import { createTestDeps } from '../test/support/deps.js';
import { testEnv } from '../test/support/env.js';
import { startLiveTestApi } from '../test/support/live.js';
import { waitUntilTrue } from '../test/support/page-wait.js';
import { startTestWorker } from '../test/support/worker.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/img');
const log = (line: string) => process.stdout.write(`${line}\n`);

// TRUST_PROXY: each customer registers from an X-Forwarded-For address of its own (the registration limit counts per client address).
const deps = await createTestDeps('console_shots', { config: { TEMPORAL_UI_URL: 'http://localhost:8233', HOLD_TTL_SECONDS: '3600', TRUST_PROXY: '1' } });
const worker = await startTestWorker(deps);
const api = await startLiveTestApi(deps);
try {
  await seed(deps.ds, { adminEmail: 'admin@marquee.local', adminPassword: 'marquee-admin', cleaningBufferMin: 15, clock: deps.clock });
  const [adminRow] = await deps.ds.query("SELECT id FROM users WHERE role = 'admin' LIMIT 1");
  const adminToken = await issueToken({ id: Number(adminRow.id), role: 'admin', tokenVersion: 0 }, deps);
  const people = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov'];
  const customers = await Promise.all(
    people.map(async (name, i) => {
      const email = `${name.split(' ')[0]!.toLowerCase()}@example.com`;
      const res = await api.request('POST', '/api/v1/auth/register', { body: { email, password: 'popcorn-and-7', name }, headers: { 'x-forwarded-for': `2001:db8::${i + 1}` } });
      return { id: res.body.user.id as number, token: res.body.token as string };
    }),
  );

  for (const code of [
    { code: 'SUMMER10', kind: 'percent', value: 10, maxRedemptions: 500, perUserLimit: 1 },
    { code: 'STUDENT5', kind: 'fixed', value: 500 },
    { code: 'PREMIERE', kind: 'percent', value: 100, maxRedemptions: 20, validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString() },
  ]) {
    await api.request('POST', '/api/v1/admin/promo-codes', { token: adminToken, body: code });
  }

  // Sales over the next days: most showtimes sell a few seats, some many (every fourth sale with SUMMER10); one booking is refunded, one hold stays open.
  const { items: shows } = (await api.request('GET', '/api/v1/admin/showtimes?status=scheduled&limit=100', { token: adminToken })).body;
  const booked: string[] = [];
  for (const [i, show] of (shows as { id: number; startsAt: string }[]).entries()) {
    if (Date.parse(show.startsAt) < Date.now() + 2 * 3600_000 || i % 3 === 2) continue;
    const map = (await api.request('GET', `/api/v1/showtimes/${show.id}/seats`)).body as { seats: { id: number; status: string }[] };
    const free = map.seats.filter((s) => s.status === 'available');
    const sales = 1 + ((i * 7) % 9);
    for (let n = 0; n < sales; n++) {
      const buyer = customers[(i + n) % customers.length]!;
      const seats = free.splice((i * 5 + n * 11) % Math.max(1, free.length - 4), 1 + ((i + n) % 4)).map((s) => s.id);
      if (seats.length === 0) break;
      const promo = n % 4 === 1 ? { promoCode: 'SUMMER10' } : {};
      const held = await api.request('POST', '/api/v1/checkouts', { token: buyer.token, body: { showtimeId: show.id, seatIds: seats, ...promo } });
      if (held.status !== 201) continue;
      if (n === sales - 1 && i % 5 === 1) continue; // left open: a hold
      await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: buyer.token, body: { card: MOCK_CARDS.succeeds } });
      booked.push(held.body.checkoutId);
    }
  }
  for (const id of booked.filter((_, i) => i % 17 === 3)) {
    await api.request('POST', `/api/v1/admin/bookings/${id}/cancel`, { token: adminToken, body: { reason: 'customer called: cannot come' } });
  }
  await api.request('PUT', `/api/v1/admin/users/${customers[0]!.id}/role`, { token: adminToken, body: { role: 'staff' } });
  log(`${booked.length} bookings made`);

  if (process.env.KEEP) {
    log(`console: ${api.baseUrl}/admin   admin token: ${adminToken}`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  } else {
    const browser = await chromium.launch({ executablePath: testEnv.chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const open = async (viewport: { width: number; height: number }): Promise<Page> => {
        const ctx = await browser.newContext({ viewport, baseURL: api.baseUrl, colorScheme: 'dark' });
        await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(adminToken)})`);
        return ctx.newPage();
      };
      const desktop = await open({ width: 1440, height: 960 });
      const shot = async (page: Page, name: string, fullPage = false) => {
        await page.screenshot({ path: path.join(OUT, `console-${name}.png`), fullPage });
        log(`docs/img/console-${name}.png`);
      };
      await desktop.goto('/admin#/schedule');
      await desktop.waitForSelector('#week-grid .show');
      await desktop.locator('#week-grid .show').nth(3).click();
      await desktop.evaluate('window.scrollTo(0, 0)');
      await shot(desktop, 'schedule');

      await desktop.goto('/admin#/halls/new');
      await desktop.waitForSelector('#preview-hall[data-ready="true"]');
      await desktop.fill('#hall-name', 'Studio 4');
      await desktop.fill('#layout-text', ['AARRRR.RRRRAA', 'RRRRRR.RRRRRR', 'RRRRRR.RRRRRR', 'PPPPPP.PPPPPP', 'PPPPPP.PPPPPP', 'VVVVV...VVVVV'].join('\n'));
      await waitUntilTrue(desktop, `document.querySelectorAll('#preview-hall .seat').length === 70`);
      await shot(desktop, 'hall-designer');

      await desktop.goto('/admin#/bookings?status=CONFIRMED');
      await desktop.waitForSelector('#bookings-table a[data-booking-id]');
      await shot(desktop, 'bookings');
      const refunded = (await api.request('GET', '/api/v1/admin/bookings?status=REFUNDED&limit=1', { token: adminToken })).body.items[0];
      await desktop.goto(`/admin#/bookings/${refunded.checkoutId}`);
      await desktop.waitForSelector('#workflow-link');
      await shot(desktop, 'booking', true);

      const today = new Date().toISOString().slice(0, 10);
      const later = new Date(Date.now() + 13 * 86_400_000).toISOString().slice(0, 10);
      await desktop.goto(`/admin#/reports?from=${today}&to=${later}`);
      await desktop.waitForSelector('#occupancy-by-day-chart');
      await shot(desktop, 'reports', true);

      await desktop.goto('/admin#/audit');
      await desktop.waitForSelector('#audit-table tbody tr');
      await shot(desktop, 'audit');

      await desktop.goto('/admin#/promo-codes');
      await desktop.waitForSelector('#promo-table tbody tr code');
      await shot(desktop, 'promo-codes');

      await desktop.goto('/admin#/users');
      await desktop.waitForSelector('#users-table select');
      await shot(desktop, 'users');

      const tablet = await open({ width: 820, height: 1180 });
      await tablet.goto('/admin#/schedule');
      await tablet.waitForSelector('#week-grid .show');
      await shot(tablet, 'tablet-schedule');
    } finally {
      await browser.close();
    }
  }
} finally {
  await api.close();
  await worker.stop();
  await deps.close();
}
