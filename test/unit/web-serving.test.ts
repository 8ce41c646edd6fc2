import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { mountWebApp } from '../../api/web.js';

/** api/web.ts on a real HTTP server, serving a made-up build folder. */
describe('web pages: serving web/dist', () => {
  let dir: string;
  let server: Server;
  let base: string;

  const start = async (opts: { dir: string }): Promise<void> => {
    const koa = new Koa();
    const router = new Router();
    mountWebApp(router, opts);
    koa.use(router.routes());
    server = createServer(koa.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'marquee-web-'));
    writeFileSync(path.join(dir, 'seat-picker.html'), '<!doctype html><title>picker</title>');
    writeFileSync(path.join(dir, 'seat-picker.js'), 'export {};');
    writeFileSync(path.join(dir, 'seat-picker.js.map'), '{}');
    writeFileSync(path.join(dir, 'seat-picker.css'), 'body{}');
    writeFileSync(path.join(dir, 'admin.html'), '<!doctype html><title>console</title>');
    await start({ dir });
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the seat picker at / and its bundle, stylesheet and source map under /static/', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(await page.text()).to.include('<title>picker</title>');
    for (const [file, type] of [
      ['seat-picker.js', /javascript/],
      ['seat-picker.css', /^text\/css/],
      ['seat-picker.js.map', /json/],
    ] as const) {
      const res = await fetch(`${base}/static/${file}`);
      expect(res.status, file).to.equal(200);
      expect(res.headers.get('content-type'), file).to.match(type);
    }
  });

  it('serves the operators’ console at /admin', async () => {
    const page = await fetch(`${base}/admin`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(await page.text()).to.include('<title>console</title>');
    expect((await fetch(`${base}/static/admin.html`)).status, 'pages are not assets').to.equal(404);
  });

  it('makes browsers revalidate: no-cache with an ETag, and 304 while the file is unchanged', async () => {
    const first = await fetch(`${base}/static/seat-picker.js`);
    expect(first.headers.get('cache-control')).to.equal('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).to.be.a('string');
    expect(first.headers.get('last-modified')).to.be.a('string');
    // As a browser revalidates (fetch() would add `cache-control: no-cache`, which asks for a full answer).
    const revalidate = { 'if-none-match': etag as string, 'cache-control': 'max-age=0' };
    const again = await fetch(`${base}/static/seat-picker.js`, { headers: revalidate });
    expect(again.status).to.equal(304);
    // A rebuild changes size or mtime, so the old ETag no longer matches.
    writeFileSync(path.join(dir, 'seat-picker.js'), 'export const rebuilt = true;');
    const changed = await fetch(`${base}/static/seat-picker.js`, { headers: revalidate });
    expect(changed.status).to.equal(200);
    expect(await changed.text()).to.include('rebuilt');
  });

  it('serves nothing but assets under /static/: no pages, no other names, nothing outside the folder', async () => {
    writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.js`), 'secret');
    try {
      for (const url of [
        '/static/seat-picker.html',
        '/static/missing.js',
        `/static/..%2F${path.basename(dir)}-secret.js`,
        '/static/.hidden.js',
        '/static/seat-picker.ts',
      ]) {
        expect((await fetch(base + url)).status, url).to.equal(404);
      }
    } finally {
      rmSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.js`), { force: true });
    }
  });

  it('answers 503 with the command to run when the pages have not been built', async () => {
    rmSync(dir, { recursive: true, force: true });
    const res = await fetch(`${base}/`);
    expect(res.status).to.equal(503);
    expect(await res.text()).to.include('npm run build:web');
  });
});
