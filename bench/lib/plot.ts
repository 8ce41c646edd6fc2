import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

/**
 * Charts drawn by Chart.js in the Chromium the browser tests use
 * (CHROMIUM_PATH, default Debian's), saved as a PNG. The configuration must
 * be plain JSON: it crosses into the page.
 */
// The browser bundle sits beside the package's main file (the package does not export its path).
const chartJs = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

export async function renderChart(config: object, file: string, size = { width: 960, height: 540 }): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff"><canvas id="c" width="${size.width}" height="${size.height}"></canvas></body></html>`);
    await page.addScriptTag({ path: chartJs });
    const cfg = config as { options?: object };
    // Chart is the global of the UMD bundle added above.
    await page.evaluate(`new Chart(document.getElementById('c'), ${JSON.stringify({ ...cfg, options: { ...cfg.options, animation: false, responsive: false } })})`);
    await page.locator('#c').screenshot({ path: file });
  } finally {
    await browser.close();
  }
}
