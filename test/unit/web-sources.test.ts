import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/**
 * Rules for the web sources that no compiler checks: files stay small
 * (split by view, shared code in web/src/lib), and the pages' HTML holds
 * nothing a strict Content-Security-Policy (script-src 'self') would refuse.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 400;

/** Every file under web/ except the build output. */
function webFiles(dir = path.join(root, 'web')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === path.join(root, 'web', 'dist') ? [] : webFiles(full);
    return [path.relative(root, full)];
  });
}

const lineCount = (file: string): number => readFileSync(path.join(root, file), 'utf8').split('\n').length;

describe('web sources', () => {
  const files = webFiles();
  const pages = files.filter((f) => f.endsWith('.html'));

  it('finds the sources: TypeScript modules, stylesheets and at least one page', () => {
    expect(files.filter((f) => f.startsWith('web/src/lib/') && f.endsWith('.ts'))).to.include('web/src/lib/seat-map.ts');
    expect(files.some((f) => f.endsWith('.css'))).to.equal(true);
    expect(pages).to.include.members(['web/src/seat-picker/index.html', 'web/src/admin/index.html']);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files.filter((f) => /\.(ts|css|html)$/.test(f)).map((f) => ({ file: f, lines: lineCount(f) }));
    expect(long.filter((f) => f.lines > MAX_LINES)).to.deep.equal([]);
  });

  it('has no plain JavaScript left: pages are TypeScript, bundled by web/build.ts', () => {
    expect(files.filter((f) => /\.(js|mjs|cjs)$/.test(f))).to.deep.equal([]);
  });

  for (const page of pages) {
    describe(page, () => {
      const html = readFileSync(path.join(root, page), 'utf8');

      it('loads scripts only from files: no inline <script> bodies', () => {
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
        expect(scripts.length).to.be.greaterThan(0);
        for (const [tag, attrs, body] of scripts) {
          expect(attrs, tag).to.match(/\bsrc="\/[^"]+"/);
          expect(body?.trim(), tag).to.equal('');
        }
      });

      it('has no inline event handlers, javascript: URLs or inline styles', () => {
        expect(html.match(/\son[a-z]+\s*=/gi) ?? []).to.deep.equal([]);
        expect(html.match(/javascript:/gi) ?? []).to.deep.equal([]);
        expect(html.match(/\sstyle\s*=|<style\b/gi) ?? []).to.deep.equal([]);
      });
    });
  }
});
