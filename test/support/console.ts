import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import type { TestApi } from './http.js';
import type { ShowtimeFixture, TestUser } from './fixtures.js';

/** What the console's browser tests share: signed-in pages, bookings made over the API, CSV parsing. */

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ConsolePages {
  /** A page signed in as `user` (the site's token in localStorage), in UTC so times read as the API writes them. */
  open(user: TestUser | null, viewport?: { width: number; height: number }): Promise<Page>;
  /** Uncaught errors of every page opened. */
  errors: string[];
  close(): Promise<void>;
}

export function consolePages(browser: Browser, baseUrl: string): ConsolePages {
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  return {
    errors,
    async open(user, viewport = { width: 1280, height: 900 }) {
      const ctx = await browser.newContext({ viewport, baseURL: baseUrl, timezoneId: 'UTC', locale: 'en-US', acceptDownloads: true });
      contexts.push(ctx);
      if (user) await ctx.addInitScript(`localStorage.setItem('marquee.token', ${JSON.stringify(user.token)})`);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      return page;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close()));
    },
  };
}

/** Holds seats for `user` and, unless `pay` is false, pays: the checkout id. */
export async function buySeats(api: TestApi, user: TestUser, show: ShowtimeFixture, seatIds: number[], pay = true): Promise<string> {
  const held = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds } });
  expect(held.status, JSON.stringify(held.body)).to.equal(201);
  if (pay) {
    const paid = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: user.token, body: { card: MOCK_CARDS.succeeds } });
    expect(paid.body.status, JSON.stringify(paid.body)).to.equal('CONFIRMED');
  }
  return held.body.checkoutId;
}

/** Presses Tab until the focused element matches `selector`: proof that the keyboard reaches it. */
export async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press('Tab');
  }
  expect.fail(`${selector} is not reached by Tab within ${max} presses`);
}
