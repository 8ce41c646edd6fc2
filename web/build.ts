/**
 * Builds the web pages into web/dist/, which the API serves (api/web.ts):
 * each page in PAGES is web/src/<page>/main.ts, <page>.css and index.html,
 * written as dist/<page>.js (one ES module bundle with its source map),
 * dist/<page>.css and dist/<page>.html. Pages share web/src/lib/.
 *
 *   npm run build:web        (npm run build runs it after the server's tsc)
 *
 * The only server files a bundle may contain are live/protocol.ts (event
 * names) and core/seating.ts (the seating rules, pure); everything else the
 * pages take from the server is types, which the build drops. Of npm
 * packages, only the chart library (Chart.js, its matrix chart and its
 * colour helper, for the console) may be bundled. An input from anywhere
 * else fails the build.
 */
import { copyFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PAGES = ['seat-picker', 'checkin', 'admin'] as const;

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(WEB);
const OUT = path.join(WEB, 'dist');
const SERVER_FILES_ALLOWED = new Set(['live/protocol.ts', 'core/seating.ts']);
const PACKAGES_ALLOWED = ['node_modules/chart.js/', 'node_modules/chartjs-chart-matrix/', 'node_modules/@kurkle/color/'];

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: PAGES.flatMap((page) => [
    { in: `web/src/${page}/main.ts`, out: page },
    { in: `web/src/${page}/${page}.css`, out: page },
  ]),
  outdir: OUT,
  tsconfig: 'web/tsconfig.json',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const strays = Object.keys(result.metafile.inputs).filter(
  (input) => !input.startsWith('web/src/') && !SERVER_FILES_ALLOWED.has(input) && !PACKAGES_ALLOWED.some((dir) => input.startsWith(dir)),
);
if (strays.length > 0) {
  throw new Error(`the web bundle pulled in code from outside web/src: ${strays.join(', ')} (import only types from server code)`);
}

const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.basename(file)));
for (const page of PAGES) {
  await copyFile(path.join(WEB, 'src', page, 'index.html'), path.join(OUT, `${page}.html`));
  written.add(`${page}.html`);
}
// Whatever an earlier build left that this one did not write (a page since removed).
for (const file of await readdir(OUT)) {
  if (!written.has(file)) await rm(path.join(OUT, file), { recursive: true, force: true });
}
