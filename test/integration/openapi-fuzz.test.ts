import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { issueToken } from '../../api/auth.js';
import { OPENAPI_LINKS } from '../../api/openapi-links.js';
import { seed } from '../../db/seed.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { startTestApi, type TestApi } from '../support/http.js';
import { TEST_STRIPE_SECRET_KEY, TEST_STRIPE_WEBHOOK_SECRET } from '../support/localstripe.js';
import { startTestWorker, terminateOpenCheckouts, terminateWaitlists, type TestWorker } from '../support/worker.js';

/**
 * Property-based fuzzing of the whole OpenAPI document with schemathesis:
 * no request may produce a 5xx, and every documented response must match its
 * schema. scripts/test provides SCHEMATHESIS_BIN (.tools/venv); without it
 * the suite fails, never passes silently.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.SCHEMATHESIS_BIN ?? path.join(ROOT, '.tools/venv/bin/schemathesis');
/** test/support/schemathesis_hooks.py: signs generated Stripe webhooks. */
const HOOKS_DIR = path.join(ROOT, 'test/support');


interface Run {
  code: number | null;
  output: string;
}

function schemathesis(args: string[], timeoutMs: number, env: Record<string, string> = {}, config = ''): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'marquee-fuzz-'));
  // Read from the working directory (schemathesis.toml).
  writeFileSync(path.join(cwd, 'schemathesis.toml'), config);
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false', SCHEMATHESIS_HOOKS: 'schemathesis_hooks', PYTHONPATH: HOOKS_DIR, ...env },
    });
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

describe('OpenAPI fuzzing (schemathesis), with a worker behind the API', function () {
  this.timeout(240_000);
  let deps: TestDeps;
  let api: TestApi;
  /** The same deployment with Stripe payments: its webhook verifies signatures and ingests events. */
  let stripeApi: TestApi;
  let worker: TestWorker;
  let adminToken: string;
  /** Read when a run starts: an earlier run may have changed the user's role, which ends their earlier tokens. */
  let userToken: () => Promise<string>;
  /** Two upcoming showtimes: one for the customer run, one for the admin run (which may cancel or delete it). */
  let showtimes: { forCustomer: number; forAdmin: number };

  before(async () => {
    if (!existsSync(BIN)) throw new Error(`schemathesis not found at ${BIN}: run scripts/test once (it installs .tools) or set SCHEMATHESIS_BIN`);
    // The fuzzer holds many checkouts as one customer; the open-checkout limits have tests of their own.
    deps = await createTestDeps('openapi_fuzz', { config: { MAX_OPEN_CHECKOUTS_PER_USER: '1000', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '1000' } });
    await seed(deps.ds, { adminEmail: 'admin@fuzz.test', adminPassword: 'admin-password-1', cleaningBufferMin: 15, clock: deps.clock });
    const [admin] = await deps.ds.query("SELECT id FROM users WHERE role = 'admin' LIMIT 1");
    const [user] = await deps.ds.query("SELECT id FROM users WHERE role = 'user' LIMIT 1");
    adminToken = await issueToken({ id: admin.id, role: 'admin', tokenVersion: 0 }, deps);
    userToken = async () => {
      const [row] = await deps.ds.query('SELECT role, token_version FROM users WHERE id = ?', [user.id]);
      return issueToken({ id: user.id, role: row.role, tokenVersion: row.token_version }, deps);
    };
    const upcoming: { id: number }[] = await deps.ds.query("SELECT id FROM showtimes WHERE status = 'scheduled' AND starts_at > ? ORDER BY starts_at LIMIT 2", [
      new Date(Date.now() + 86_400_000),
    ]);
    showtimes = { forCustomer: upcoming[0]!.id, forAdmin: upcoming[1]!.id };
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    stripeApi = await startTestApi({
      ...deps,
      config: { ...deps.config, PAYMENTS_PROVIDER: 'stripe', STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET },
    });
  });

  after(async () => {
    await api?.close();
    await stripeApi?.close();
    if (deps) await Promise.all([terminateOpenCheckouts(deps), terminateWaitlists(deps)]);
    await worker?.stop();
    await deps?.close();
  });

  /**
   * schemathesis.toml: real identifiers the generator draws from most of the
   * time (dictionaries), a showtime and its seats. Without them a random hold
   * names no seat that exists, and the fuzzer never gets past validation into
   * the checkout; with them it holds seats, and its stateful phase follows the
   * links on to pay and cancel, through the worker.
   */
  const knownIds = async (showtimeId: number): Promise<string> => {
    const seats: { id: number }[] = await deps.ds.query('SELECT id FROM show_seats WHERE showtime_id = ? ORDER BY id LIMIT 60', [showtimeId]);
    return [
      '[dictionaries.showtimes]',
      `values = [${showtimeId}]`,
      '[dictionaries.seats]',
      `values = [${seats.map((r) => r.id).join(', ')}]`,
      '[[operations]]',
      'include-path = "/api/v1/checkouts"',
      'include-method = "POST"',
      'parameters = { "body.showtimeId" = { dictionary = "showtimes", probability = 0.8 }, "body.seatIds[*]" = { dictionary = "seats", probability = 0.8 } }',
      '[[operations]]',
      'include-path-regex = "^/api/v1/showtimes/[{]id[}]"',
      'parameters = { "path.id" = { dictionary = "showtimes", probability = 0.8 } }',
      '',
    ].join('\n');
  };
  const bookingStatuses = async (showtimeId: number): Promise<string[]> =>
    (await deps.ds.query('SELECT DISTINCT status FROM bookings WHERE showtime_id = ? ORDER BY status', [showtimeId])).map((r: { status: string }) => r.status);

  const args = (target: TestApi, token: string, maxExamples: number, filter: string[] = []): string[] => [
    'run',
    `${target.baseUrl}/api/v1/openapi.json`,
    '--url',
    target.baseUrl,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(maxExamples),
    ...filter,
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
    // One worker thread: with two, hypothesis can parse source in both at once, which CPython 3.11's ast
    // module does not survive ("SystemError: AST constructor recursion depth mismatch"), failing the run.
    '--workers',
    '1',
    '--no-color',
  ];

  /**
   * Sign-out-everywhere is left out of every run: it would end the fuzzer's own
   * session at its first call (every later request a 401); accounts tests cover it.
   * Only the last --exclude-path-regex counts, so a run's exclusions are one alternation.
   */
  const LOGOUT_ALL = '^/api/v1/auth/logout-all$';
  const excluding = (...regexes: string[]): string[] => ['--exclude-path-regex', [LOGOUT_ALL, ...regexes].join('|')];
  /** How many operations of the document a run with these exclusions must test: all of them. */
  const operationsOutside = async (...regexes: string[]): Promise<number> => {
    const doc = (await api.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const out = new RegExp([LOGOUT_ALL, ...regexes].join('|'));
    return Object.entries(doc.paths)
      .filter(([path]) => !out.test(path))
      .reduce((n, [, methods]) => n + Object.keys(methods).length, 0);
  };

  /** The operations a run tested and the links its stateful phase followed, from its summary. */
  const summary = (output: string) => ({
    tested: Number(/Tested:\s+(\d+)/.exec(output)?.[1] ?? NaN),
    linksCovered: Number(/API Links:\s+(\d+) covered/.exec(output)?.[1] ?? NaN),
  });

  it('gives every operation an id, and every declared link starts at a documented response and names an operation that exists', async () => {
    const doc = (await api.request('GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { links?: Record<string, { operationId: string }> }> }>>;
    };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string')).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const [source, byStatus] of Object.entries(OPENAPI_LINKS)) {
      const op = operations.find((o) => o.operationId === source);
      expect(op, source).to.not.equal(undefined);
      for (const [status, links] of Object.entries(byStatus)) {
        expect(op!.responses[status]?.links, `${source} ${status}`).to.deep.equal(links);
        for (const link of Object.values(links)) expect(ids, `${source} → ${link.operationId}`).to.include(link.operationId);
      }
    }
  });

  it('finds no server error and no schema violation with a customer token in every operation outside /admin (checkouts, payment, cancels included)', async () => {
    const run = await schemathesis(args(api, await userToken(), 10, excluding('^/api/v1/admin/')), 90_000, {}, await knownIds(showtimes.forCustomer));
    expect(run.code, run.output).to.equal(0);
    expect(summary(run.output).tested, run.output).to.equal(await operationsOutside('^/api/v1/admin/'));
    // It got through validation into the checkout: a booking row exists only once the worker ran a hold, and
    // some went on to a closed state (cancelled, paid) through the links.
    const statuses = await bookingStatuses(showtimes.forCustomer);
    expect(statuses.length, run.output).to.be.at.least(1);
    expect(statuses.filter((st) => st !== 'HOLDING' && st !== 'AWAITING_PAYMENT').length, run.output).to.be.at.least(1);
  });

  it('finds no server error and no schema violation in every operation with an admin token, following the links', async () => {
    const run = await schemathesis(args(api, adminToken, 40, excluding()), 150_000, {}, await knownIds(showtimes.forAdmin));
    expect(run.code, run.output).to.equal(0);
    const { tested, linksCovered } = summary(run.output);
    expect(tested, run.output).to.equal(await operationsOutside());
    expect(linksCovered, run.output).to.be.at.least(1);
  });

  it('finds no server error in the Stripe webhook with signed events, on a Stripe deployment', async () => {
    // One operation links nowhere: no stateful phase.
    const only = ['--include-path-regex', '^/api/v1/webhooks/stripe$', '--phases', 'examples,coverage,fuzzing'];
    const run = await schemathesis(args(stripeApi, await userToken(), 60, only), 90_000, {
      MARQUEE_FUZZ_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
    });
    expect(run.code, run.output).to.equal(0);
    expect(summary(run.output).tested, run.output).to.equal(1);
    // The hook's signatures were accepted: some events got past verification and were recorded.
    const [{ n }] = await deps.ds.query("SELECT COUNT(*) AS n FROM payment_events WHERE provider = 'stripe'");
    expect(Number(n)).to.be.greaterThan(0);
  });
});
