import { Context } from '@temporalio/activity';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';
import type { Reservation } from '../../activities/reservation.js';
import { withFailureMapping } from '../../activities/failures.js';
import { SearchAttributeKeys } from '../../workflows/contracts.js';
import { testEnv } from './env.js';
import { installTestRuntime, workflowBundle } from './worker.js';

/** Temporal's time-skipping test server (a real server whose clock jumps to the next timer while the tests wait), with the workflows' search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testEnv.temporalTestServer } } });
  const Indexed = proto.temporal.api.enums.v1.IndexedValueType;
  const indexed = { [SearchAttributeType.KEYWORD]: Indexed.INDEXED_VALUE_TYPE_KEYWORD, [SearchAttributeType.INT]: Indexed.INDEXED_VALUE_TYPE_INT } as const;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SearchAttributeKeys.map((k) => [k.name, indexed[k.type as keyof typeof indexed]])),
  });
  return env;
}

/** The steps the checkout workflow calls. */
export type CheckoutSteps = Pick<
  Activities,
  'reserveSeats' | 'confirmSeats' | 'releaseSeats' | 'extendHold' | 'cancelPaymentIntent' | 'refundPayment' | 'refundLatePayment' | 'sendConfirmation'
>;

export const HOLD_EXTENSION_MS = 300_000;

export interface StepCall {
  step: keyof CheckoutSteps;
  input: unknown;
  /** When the server scheduled the step, on its (skipping) clock. */
  scheduledAtMs: number;
}

export const HOLD_TTL_MS = 600_000;

export const reservation = (over: Partial<Reservation> = {}): Reservation => ({
  seats: [{ id: 11, label: 'A1', type: 'regular', price: 1000 }, { id: 12, label: 'A2', type: 'regular', price: 1000 }],
  amount: 2000,
  currency: 'USD',
  expiresAt: new Date(HOLD_TTL_MS).toISOString(),
  holdTtlMs: HOLD_TTL_MS,
  change: null,
  payment: { provider: 'mock', intentId: 'pi_own', clientSecret: 'pi_own_secret' },
  ...over,
});

/**
 * Stub checkout steps that record each call in order. Every step behaves as a
 * quiet success unless overridden; what they throw goes through the same
 * failure mapping as the real activities.
 */
export function stubSteps(
  env: TestWorkflowEnvironment,
  overrides: Partial<CheckoutSteps> = {},
): { activities: CheckoutSteps; calls: StepCall[]; called: (step: keyof CheckoutSteps) => StepCall[] } {
  const calls: StepCall[] = [];
  const defaults: CheckoutSteps = {
    // The hold ends one TTL after now on the server's clock, which the tests move.
    reserveSeats: async () => reservation({ expiresAt: new Date((await env.currentTimeMs()) + HOLD_TTL_MS).toISOString() }),
    extendHold: async ({ from }) => ({ expiresAt: new Date(Date.parse(from) + HOLD_EXTENSION_MS).toISOString() }),
    confirmSeats: async () => null,
    releaseSeats: async () => null,
    cancelPaymentIntent: async () => 'canceled',
    refundPayment: async () => undefined,
    refundLatePayment: async () => 'refunded',
    sendConfirmation: async () => undefined,
  };
  const recorded = Object.fromEntries(
    (Object.keys(defaults) as (keyof CheckoutSteps)[]).map((step) => [
      step,
      async (input: never) => {
        calls.push({ step, input, scheduledAtMs: Context.current().info.currentAttemptScheduledTimestampMs });
        return ((overrides[step] ?? defaults[step]) as (i: never) => Promise<unknown>)(input);
      },
    ]),
  ) as unknown as CheckoutSteps;
  return { activities: withFailureMapping(recorded), calls, called: (step) => calls.filter((c) => c.step === step) };
}

let queues = 0;

/** A worker with the real workflow bundle and the given steps, on a queue of its own. */
export async function stepWorker(env: TestWorkflowEnvironment, activities: Partial<Activities>): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = `ts-${process.pid}-${++queues}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return { worker, taskQueue };
}
