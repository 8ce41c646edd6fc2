import type { Page } from 'playwright-core';

/**
 * Waits until `expression` is true in the page, polling from the test's side
 * (page.evaluate). page.waitForFunction polls inside the page with eval,
 * which the pages' Content-Security-Policy forbids, as it should.
 */
export async function waitUntilTrue(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
