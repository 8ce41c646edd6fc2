import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The rule ids ESLint reports for `code` as if it were the file `file` of the project. */
async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

function sources(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(folder, f));
}

describe('layers (eslint.layers.js)', function () {
  this.timeout(60_000);

  it('lint refuses an import against the layer rules', async () => {
    expect(await lintAs('api/probe.ts', "import { createActivities } from '../activities/index.js';\nexport const a = createActivities;\n")).to.include(
      'boundaries/dependencies',
    );
    expect(await lintAs('db/probe.ts', "import { createApp } from '../api/app.js';\nexport const a = createApp;\n")).to.include('boundaries/dependencies');
    expect(await lintAs('web/probe.ts', "import { createApp } from '../api/app.js';\nexport const a = createApp;\n")).to.include('boundaries/dependencies');
    expect(await lintAs('workflows/probe.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).to.include('no-restricted-imports');
    expect(await lintAs('core/probe.ts', "import { Redis } from 'ioredis';\nexport const a = Redis;\n")).to.include('no-restricted-imports');
  });

  it('lint accepts what the rules allow: types of a contract across a layer, values along the allowed direction', async () => {
    expect(await lintAs('web/probe.ts', "import type { AppDeps } from '../api/deps.js';\nexport type A = AppDeps;\n")).to.deep.equal([]);
    expect(await lintAs('api/probe.ts', "import { findBookings } from '../db/bookings.js';\nexport const a = findBookings;\n")).to.deep.equal([]);
    expect(await lintAs('workflows/probe.ts', "import type { Activities } from '../activities/index.js';\nexport type A = Activities;\n")).to.deep.equal([]);
  });

  it('no SQL outside db/: every statement lives in a db module', () => {
    const sql = /\.query\(|\bSELECT\b[\s\S]{0,200}?\bFROM\b|\bINSERT\s+(IGNORE\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b/;
    const offenders = ['core', 'clients', 'payments', 'live', 'tickets', 'mail', 'activities', 'workflows', 'api', 'worker', 'web']
      .flatMap(sources)
      .filter((f) => sql.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).to.deep.equal([]);
  });
});
