import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const SOURCE_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');
const FILE = /^[\w-]+\.(html|js|css|svg|png|ico)$/;

async function webDir(): Promise<string> {
  // From sources (api/web.ts) web/ is one level up; from dist/api/web.js it is two.
  return (await stat(SOURCE_WEB_DIR).catch(() => null))?.isDirectory() ? SOURCE_WEB_DIR : WEB_DIR;
}

/** The seat-picker page and its static files, from web/. */
export function mountWebApp(router: Router): void {
  const serve = async (ctx: RouterContext, file: string): Promise<void> => {
    if (!FILE.test(file)) return;
    const full = path.join(await webDir(), file);
    const st = await stat(full).catch(() => null);
    if (!st?.isFile()) return;
    ctx.type = path.extname(file);
    ctx.set('Cache-Control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
    ctx.body = createReadStream(full);
  };
  router.get('/', (ctx) => serve(ctx, 'index.html'));
  router.get('/static/:file', (ctx) => serve(ctx, ctx.params.file ?? ''));
}
