import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// From sources (api/web.ts) the repository is one level up; from dist/api/web.js it is two.
const CANDIDATES = [path.resolve(HERE, '../web/dist'), path.resolve(HERE, '../../web/dist')];

/** Each page's path and its HTML in web/dist (web/build.ts writes them). */
const PAGES: Record<string, string> = { '/': 'seat-picker.html', '/checkin': 'checkin.html', '/admin': 'admin.html' };
/** What /static/ serves from web/dist: bundles, stylesheets, their source maps, images. */
const ASSET = /^[\w-]+\.(?:(?:js|css)(?:\.map)?|svg|png|ico)$/;

async function webDist(): Promise<string | null> {
  for (const dir of CANDIDATES) if ((await stat(dir).catch(() => null))?.isDirectory()) return dir;
  return null;
}

/**
 * The web pages and their static files, built into web/dist by `npm run build:web`.
 * Names are stable (no content hashes), so nothing is cached blindly: every
 * response carries an ETag and Last-Modified, and `no-cache` makes browsers
 * revalidate (a 304 when unchanged). A page and its bundle never mismatch
 * after a deploy. `dir` replaces web/dist (tests).
 */
export function mountWebApp(router: Router, opts: { dir?: string } = {}): void {
  const serve = async (ctx: RouterContext, file: string): Promise<boolean> => {
    const dir = opts.dir ?? (await webDist());
    if (!dir) return false;
    const full = path.join(dir, file);
    const st = await stat(full).catch(() => null);
    if (!st?.isFile()) return false;
    ctx.status = 200;
    ctx.type = path.extname(file);
    ctx.set('Cache-Control', 'no-cache');
    ctx.lastModified = st.mtime;
    ctx.etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    if (ctx.fresh) {
      ctx.status = 304;
      return true;
    }
    ctx.length = st.size;
    ctx.body = createReadStream(full);
    return true;
  };
  for (const [route, file] of Object.entries(PAGES)) {
    router.get(route, async (ctx) => {
      if (await serve(ctx, file)) return;
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The web pages are not built: run `npm run build:web`.\n';
    });
  }
  router.get('/static/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    if (ASSET.test(file)) await serve(ctx, file);
  });
}
