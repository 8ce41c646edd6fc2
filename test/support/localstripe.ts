import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { createPaymentProvider } from '../../payments/index.js';
import { createStripeClient } from '../../payments/stripe-provider.js';
import { createTestDeps, type TestDeps } from './deps.js';
import { testEnv } from './env.js';
import { freePort } from './processes.js';

/** Keys the tests use; localstripe accepts any `sk_…` key and never checks webhook secrets. */
export const TEST_STRIPE_SECRET_KEY = 'sk_test_marquee_localstripe';
export const TEST_STRIPE_WEBHOOK_SECRET = 'whsec_marquee_test_secret';

/** scripts/test exports LOCALSTRIPE_BIN; a developer run falls back to the project's tools venv. */
export function localstripeBin(): string {
  const bin = process.env.LOCALSTRIPE_BIN ?? fileURLToPath(new URL('../../.tools/venv/bin/localstripe', import.meta.url));
  if (!existsSync(bin)) throw new Error(`localstripe not found at ${bin}: run scripts/test once (it installs .tools) or set LOCALSTRIPE_BIN`);
  return bin;
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });

/** A localstripe process this test owns: stop it to simulate a Stripe outage, start it again on the same port. */
export interface PrivateLocalstripe {
  url: string;
  port: number;
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export async function startPrivateLocalstripe(): Promise<PrivateLocalstripe> {
  const bin = localstripeBin();
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ls: PrivateLocalstripe = {
    url: `http://127.0.0.1:${port}`,
    port,
    running: () => child !== undefined,
    async start() {
      if (child) return;
      const proc = spawn(bin, ['--port', String(port), '--from-scratch'], { stdio: 'ignore' });
      child = proc;
      children.add(proc);
      proc.once('exit', () => {
        children.delete(proc);
        if (child === proc) child = undefined;
      });
      const deadline = Date.now() + 30_000;
      while (!(await portOpen(port))) {
        if (child !== proc) throw new Error(`localstripe exited before listening on port ${port}`);
        if (Date.now() > deadline) throw new Error(`localstripe did not listen on port ${port} within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // The port must refuse connections before the test relies on an outage.
      while (await portOpen(port)) await new Promise((r) => setTimeout(r, 50));
    },
  };
  await ls.start();
  return ls;
}

/**
 * The run's localstripe (scripts/test exports STRIPE_API_URL), or a private
 * one for a developer's `npx mocha` without it.
 */
export async function sharedLocalstripe(): Promise<{ url: string; close(): Promise<void> }> {
  if (testEnv.stripeApiUrl) return { url: testEnv.stripeApiUrl, close: async () => undefined };
  const ls = await startPrivateLocalstripe();
  return { url: ls.url, close: () => ls.stop() };
}

/** An SDK client on the same localstripe, for looking at what the provider did there. */
export const testStripeClient = (url: string): Stripe => createStripeClient(TEST_STRIPE_SECRET_KEY, url);

/** The config overrides that turn a test deps set into a Stripe deployment on `url`. */
export const stripeConfig = (url: string): Record<string, string> => ({
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
  STRIPE_API_URL: url,
});

/** Test deps as a Stripe deployment on `url` (with `config` on top): the worker and API built on them pay through Stripe. */
export async function stripeTestDeps(suite: string, url: string, config: Record<string, string> = {}): Promise<TestDeps> {
  const deps = await createTestDeps(suite, { config: { ...stripeConfig(url), ...config } });
  deps.payments = createPaymentProvider(deps.config, deps.ds, deps.clock);
  return deps;
}

/** A webhook delivery as Stripe makes it: the JSON bytes and their `Stripe-Signature`. */
export function signedWebhook(
  event: object,
  opts: { secret?: string; timestamp?: number } = {},
): { rawBody: string; headers: Record<string, string> } {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? TEST_STRIPE_WEBHOOK_SECRET,
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
  });
  return { rawBody: payload, headers: { 'stripe-signature': header, 'content-type': 'application/json; charset=utf-8' } };
}

/** The event localstripe recorded for an intent (as Stripe would deliver it by webhook). */
export async function stripeEventFor(stripe: Stripe, type: string, intentId: string): Promise<Stripe.Event> {
  for await (const e of stripe.events.list({ type, limit: 100 })) {
    if ((e.data.object as { id?: string }).id === intentId) return e;
  }
  throw new Error(`no ${type} event for ${intentId} at localstripe`);
}
