import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Throws unless web/dist was built after the last change to what it is built
 * from: browser tests against a stale bundle would test old code.
 * (scripts/test builds it before the e2e step; a direct mocha run may not have.)
 */
export function assertWebBuildIsFresh(): void {
  const dist = path.join(root, 'web/dist');
  const outputs = (() => {
    try {
      return files(dist);
    } catch {
      return [];
    }
  })();
  if (outputs.length === 0) throw new Error('web/dist is missing: run `npm run build:web` first');
  const sources = [...files(path.join(root, 'web/src')), path.join(root, 'web/build.ts'), path.join(root, 'live/protocol.ts')];
  const newestSource = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  if (oldestOutput < newestSource) throw new Error('web/dist is older than web/src: run `npm run build:web` first');
}
