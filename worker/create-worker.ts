import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { DefaultLogger, Worker, bundleWorkflowCode, type NativeConnection, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { ActivityDeps } from '../activities/deps.js';
import type { Config } from '../core/config.js';

/** workflows/index.ts from sources (tsx, tests) or dist/workflows/index.js from a build. */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
}

/** The activities' settings, from the process's config. */
export const activitySettings = (config: Config): ActivityDeps['settings'] => ({
  holdTtlSeconds: config.HOLD_TTL_SECONDS,
  maxSeatsPerCheckout: config.MAX_SEATS_PER_CHECKOUT,
  openCheckoutLimits: { perUser: config.MAX_OPEN_CHECKOUTS_PER_USER, perShowtime: config.MAX_OPEN_CHECKOUTS_PER_SHOWTIME },
});

/** For SDK output nobody reads: the bundler's progress, the test runtime. */
export const silentSdkLogger = new DefaultLogger('ERROR', () => undefined);

export const bundleWorkflows = (): Promise<WorkflowBundle> => bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: silentSdkLogger });

export interface CheckoutWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A pre-built bundle (tests build it once per run); otherwise bundled at start. */
  workflowBundle?: WorkflowBundle;
  identity?: string;
}

/** Slots, cache and shutdown of a worker; bench/ceiling.ts runs its least-work worker with the same. */
export const workerTuning = {
  // In-flight activities get this long to finish on SIGTERM before they are handed back.
  shutdownGraceTime: '10s',
  maxConcurrentActivityTaskExecutions: 200,
  maxConcurrentLocalActivityExecutions: 200,
  maxConcurrentWorkflowTaskExecutions: 100,
  maxCachedWorkflows: 2000,
} satisfies Partial<WorkerOptions>;

/** The one worker definition, shared by worker/main.ts and the tests. */
export function createCheckoutWorker(o: CheckoutWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: o.activities,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: workflowsPath() }),
    ...(o.identity ? { identity: o.identity } : {}),
    ...workerTuning,
  });
}
