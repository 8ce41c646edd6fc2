import path from 'node:path';
import { connectTemporalClient } from '../../clients/temporal.js';
import { systemClock } from '../../core/clock.js';
import { createDataSource } from '../../db/data-source.js';
import { call } from '../../bench/lib/api.js';
import { envNumber } from '../../bench/lib/settings.js';
import { createShowtime, createUser, createUsers } from '../support/fixtures.js';
import { testStripeClient } from '../support/localstripe.js';
import { audit, watchersMatchDatabase, type AuditLimits } from './audit.js';
import { providerPayments, runningCheckouts } from './audit-sources.js';
import { FaultInjector, planFaults } from './faults.js';
import { waitUntilHealed } from './heal.js';
import { appendCounts, printReport, verdicts, writeResults } from './report.js';
import { rng } from './rng.js';
import { API_NODES, CHAOS_SETTINGS, startChaosStack, WORKERS } from './stack.js';
import { Supervisor } from './supervisor.js';
import type { StackProcess } from '../support/stack.js';
import { Traffic } from './traffic.js';
import { startWatchers } from './watchers.js';
import { WebhookReplayer } from './webhooks.js';

/**
 * The chaos soak (docs/reliability.md), run by scripts/chaos: a private stack,
 * DURATION seconds of mixed traffic under injected faults, then, once the
 * stack has healed, the invariant auditor. Exits non-zero on any violation,
 * a fault kind that did not happen or recover, or a stack that did not heal.
 *
 * CHAOS_DIR (required): the run directory. DURATION (300), CHAOS_CLIENTS (6),
 * CHAOS_SEED (random). TEST_COUNTS_FILE: counts for scripts/test.
 */

const say = (line: string): void => void process.stderr.write(`${line}\n`);
const dir = process.env.CHAOS_DIR;
if (!dir) throw new Error('CHAOS_DIR must name the run directory (scripts/chaos sets it)');
const DURATION_S = envNumber('DURATION', 300);
const CLIENTS = envNumber('CHAOS_CLIENTS', 6);
const seed = envNumber('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31));
const random = rng(seed);

/** A seat may be held this long past its deadline; a checkout may stay open this long past it once faults stopped. */
const LIMITS: AuditLimits = { holdGraceS: 10, recoveryS: 90, holdTtlS: CHAOS_SETTINGS.HOLD_TTL_SECONDS };
const HEAL_TIMEOUT_MS = 120_000;
const GENERAL_LAYOUT = Array.from({ length: 6 }, () => 'RRRRR.RRRRR');
const SMALL_LAYOUT = ['RRRRRR'];

const phases: Record<string, number> = {};
let mark = Date.now();
const phase = (name: string): void => {
  phases[name] = Math.round((Date.now() - mark) / 100) / 10;
  mark = Date.now();
};

say(`chaos: run directory ${dir}; DURATION=${DURATION_S} s, ${CLIENTS} clients, seed ${seed}`);
const stack = await startChaosStack(dir);
const supervisor = new Supervisor<StackProcess>(
  [...WORKERS, ...API_NODES, 'temporal'],
  (name) => stack.app.pid(name),
  (name) => stack.pidFile(name),
  () => random.between(1000, 3000),
);
let failed = true;
try {
  supervisor.start();
  phase('setupS');
  say(`chaos: stack up (API ${stack.urls.join(', ')}); placing fixtures`);
  const fixturesDs = createDataSource({ url: stack.config.DATABASE_URL, poolSize: 4 });
  await fixturesDs.initialize();
  const deps = { ds: fixturesDs, config: stack.config, clock: systemClock };
  const users = await createUsers(deps, 40);
  const admin = await createUser(deps, 'admin');
  // Enough seats that the everyday traffic does not sell out: a client books a seat every 4–5 s, and this gives it one per 2.5 s.
  const generalCount = Math.max(3, Math.ceil((DURATION_S * CLIENTS) / 150));
  const general = await Promise.all(Array.from({ length: generalCount }, () => createShowtime(fixturesDs, { layout: GENERAL_LAYOUT })));
  const small = await Promise.all(Array.from({ length: 3 }, () => createShowtime(fixturesDs, { layout: SMALL_LAYOUT })));
  await fixturesDs.destroy();
  const promoCodes: string[] = [];
  for (const code of [
    { code: 'CHAOS10', kind: 'percent', value: 10, maxRedemptions: 6 },
    { code: 'CHAOSFIX', kind: 'fixed', value: 150, perUserLimit: 1 },
    // A free booking: its intent is Marquee's own, never Stripe's (payments/free-provider.ts).
    { code: 'CHAOSFREE', kind: 'percent', value: 100, maxRedemptions: 4 },
  ]) {
    const res = await call(`${stack.urls[0]}/api/v1/admin/promo-codes`, { method: 'POST', token: admin.token, body: code });
    if (res.status !== 201) throw new Error(`promo code ${code.code}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    promoCodes.push(code.code);
  }
  const showtimeIds = [...general, ...small].map((s) => s.showtimeId);
  const watchers = startWatchers(stack.urls, showtimeIds);
  const replayer = new WebhookReplayer(testStripeClient(stack.localstripe.url), stack.urls, random);
  const traffic = new Traffic(
    {
      urls: stack.urls,
      users,
      general: general.map((s) => s.showtimeId),
      small: small.map((s) => s.showtimeId),
      promoCodes,
      stripe: testStripeClient(stack.relay.url),
      holdTtlS: CHAOS_SETTINGS.HOLD_TTL_SECONDS,
      offerS: CHAOS_SETTINGS.WAITLIST_OFFER_SECONDS,
    },
    random,
  );
  const injector = new FaultInjector(stack, supervisor, random);
  const plan = planFaults(DURATION_S, random);
  say(`chaos: ${plan.length} faults planned: ${plan.map((f) => `${f.kind}@${Math.round(f.atMs / 1000)}s`).join(', ')}`);
  phase('fixturesS');

  // ---- traffic and faults for DURATION
  replayer.start();
  const trafficDone = traffic.run(CLIENTS);
  const faultsDone = injector.run(plan, () => false);
  await new Promise((r) => setTimeout(r, DURATION_S * 1000));
  traffic.stop();
  await faultsDone;
  await trafficDone;
  const trafficEnd = Date.now();
  phase('trafficS');
  say('chaos: traffic stopped; waiting for every fault target to answer again');
  const faults = await injector.settled();
  const webhooks = await replayer.stop();

  // ---- heal, then audit
  const ds = createDataSource({ url: stack.config.DATABASE_URL, poolSize: 4 });
  await ds.initialize();
  const temporal = await connectTemporalClient(stack.config);
  say('chaos: waiting until the stack has healed');
  const heal = await waitUntilHealed(stack, ds, temporal, LIMITS, { since: trafficEnd, timeoutMs: HEAL_TIMEOUT_MS });
  phase('healS');
  // Watchers catch up by events or refetches; give them a bounded time to show what the database shows.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const lagging = await watchersMatchDatabase({ ds, now: new Date(), limits: LIMITS, running: [], payments: [], watchers: watchers.views() });
    if (lagging.length === 0) break;
  }
  const sources = {
    ds,
    now: new Date(),
    limits: LIMITS,
    running: await runningCheckouts(temporal),
    payments: await providerPayments(testStripeClient(stack.localstripe.url)),
    watchers: watchers.views(),
  };
  const checks = await audit(sources);
  phase('auditS');
  // What the auditor had in hand: evidence that the checks looked at something.
  const audited = {
    paymentIntents: sources.payments.length,
    succeeded: sources.payments.filter((p) => p.status === 'succeeded').length,
    refunded: sources.payments.filter((p) => p.refunds.length > 0).length,
    runningCheckoutWorkflows: sources.running.length,
    watchers: sources.watchers.length,
  };
  const [{ n: checkouts }] = await ds.query('SELECT COUNT(*) AS n FROM bookings');
  const bookingsByStatus = Object.fromEntries(
    ((await ds.query('SELECT status, COUNT(*) AS n FROM bookings GROUP BY status')) as { status: string; n: number }[]).map((r) => [r.status, Number(r.n)]),
  );
  const waitlistByStatus = Object.fromEntries(
    ((await ds.query('SELECT status, COUNT(*) AS n FROM waitlist_entries GROUP BY status')) as { status: string; n: number }[]).map((r) => [r.status, Number(r.n)]),
  );
  watchers.stop();
  await temporal.connection.close();
  await ds.destroy();

  const outcome = { checkouts: Number(checkouts), faults, checks, heal };
  writeResults(
    path.join(dir, 'result.json'),
    outcome,
    {
      seed,
      durationS: DURATION_S,
      clients: CLIENTS,
      settings: { ...CHAOS_SETTINGS, limits: LIMITS },
      phases,
      audited,
      bookingsByStatus,
      waitlistByStatus,
      traffic: traffic.stats,
      webhooks,
      watchers: watchers.stats(),
      supervisor: { restarts: supervisor.restarts, unplanned: supervisor.unplanned },
    },
    { bench: !process.env.TEST_COUNTS_FILE },
  );
  if (process.env.TEST_COUNTS_FILE) appendCounts(process.env.TEST_COUNTS_FILE, outcome);
  printReport(outcome, (line) => void process.stdout.write(`${line}\n`));
  for (const r of supervisor.unplanned) {
    say(`chaos: ${r.name} exited by itself at ${(r.atMs / 1000).toFixed(0)} s; the supervisor started it again. Its log ended with:`);
    for (const line of r.lastLines) say(`chaos:   | ${line}`);
  }
  say(`chaos: result in ${path.join(dir, 'result.json')}`);
  failed = verdicts(outcome).some((v) => !v.ok);
} finally {
  supervisor.stop();
  await stack.close({ keepData: failed });
}
process.exit(failed ? 1 : 0);
