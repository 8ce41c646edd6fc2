import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { seed } from '../../db/seed.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';

/**
 * Property-based fuzzing of the whole OpenAPI document with schemathesis:
 * no request may produce a 5xx, and every documented response must match its
 * schema. scripts/test provides SCHEMATHESIS_BIN (.tools/venv); a developer
 * without it gets a skipped test, never a silent pass.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.SCHEMATHESIS_BIN ?? path.join(ROOT, '.tools/venv/bin/schemathesis');

/**
 * Left out: operations that start or signal Temporal workflows. This suite
 * runs no worker, so they would wait for one; the checkout suites cover them.
 */
const EXCLUDED_PATHS = [
  '^/api/v1/checkouts',
  '^/api/v1/webhooks/',
  '^/api/v1/bookings/\\{[^}]+\\}/cancel$',
  '^/api/v1/admin/showtimes/\\{[^}]+\\}/cancel$',
  '^/api/v1/admin/bookings/\\{[^}]+\\}/(cancel|release)$',
].join('|');

interface Run {
  code: number | null;
  output: string;
}

function schemathesis(args: string[], timeoutMs: number): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'marquee-fuzz-'));
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(BIN, args, { cwd, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

describe('OpenAPI fuzzing (schemathesis)', function () {
  this.timeout(240_000);
  let deps: TestDeps;
  let api: TestApi;
  let adminToken: string;
  let userToken: string;

  before(async function () {
    if (!existsSync(BIN)) {
      // eslint-disable-next-line no-console
      console.warn(`schemathesis not found at ${BIN}; set SCHEMATHESIS_BIN (scripts/test does)`);
      this.skip();
    }
    deps = await createTestDeps('openapi_fuzz');
    await seed(deps.ds, { adminEmail: 'admin@fuzz.test', adminPassword: 'admin-password-1', cleaningBufferMin: 15, clock: deps.clock });
    const [admin] = await deps.ds.query("SELECT id FROM users WHERE role = 'admin' LIMIT 1");
    const [user] = await deps.ds.query("SELECT id FROM users WHERE role = 'user' LIMIT 1");
    adminToken = await issueToken({ id: admin.id, role: 'admin' }, deps);
    userToken = await issueToken({ id: user.id, role: 'user' }, deps);
    api = await startTestApi(deps);
  });

  after(async () => {
    await api?.close();
    await deps?.close();
  });

  const common = (token: string, maxExamples: number, exclude: string[] = []): string[] => [
    'run',
    `${api.baseUrl}/api/v1/openapi.json`,
    '--url',
    api.baseUrl,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(maxExamples),
    // Only the last --exclude-path-regex counts: one alternation of everything left out.
    '--exclude-path-regex',
    [EXCLUDED_PATHS, ...exclude].join('|'),
    '--header',
    `Authorization: Bearer ${token}`,
    // Its own client address, so the login/register limits it exhausts are not those of other suites (127.0.0.1).
    '--header',
    `X-Forwarded-For: 2001:db8:f022::${randomBytes(2).toString('hex')}`,
    '--seed',
    '20261201',
    '--generation-database',
    'none',
    '--request-timeout',
    '10',
    '--workers',
    '2',
    '--no-color',
  ];

  it('finds no server error and no schema violation with an admin token', async () => {
    const run = await schemathesis(common(adminToken, 40), 150_000);
    expect(run.code, run.output).to.equal(0);
  });

  it('finds no server error and no schema violation with a user token', async () => {
    const run = await schemathesis(common(userToken, 10, ['^/api/v1/admin/']), 90_000);
    expect(run.code, run.output).to.equal(0);
  });
});
