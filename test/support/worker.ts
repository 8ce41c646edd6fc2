import { WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import type { ActivitySettings } from '../../activities/deps.js';
import { createActivities } from '../../activities/index.js';
import { createMailer } from '../../mail/transport.js';
import type { SeatEventPublisher } from '../../live/publisher.js';
import type { SeatChangeSet, WaitlistEvent } from '../../live/protocol.js';
import { bundleWorkflows, createCheckoutWorker, silentSdkLogger } from '../../worker/create-worker.js';
import { createWaitlistBell } from '../../worker/waitlist-bell.js';
import { waitlistWorkflowId } from '../../workflows/contracts.js';
import type { TestDeps } from './deps.js';

let bundle: Promise<WorkflowBundle> | undefined;
let runtimeInstalled = false;

/** The SDK runtime of the test process, once: quiet, and no signal handlers of its own. */
export function installTestRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ shutdownSignals: [], logger: silentSdkLogger });
}

/** The workflow bundle, built once per test run (webpack is the slow part). */
export const workflowBundle = (): Promise<WorkflowBundle> => (bundle ??= bundleWorkflows());

/** Captures published seat changes, for assertions, and forwards them if asked. */
export interface RecordingPublisher extends SeatEventPublisher {
  changes: SeatChangeSet[];
  /** The changes whose forwarding failed (Redis down), in order. */
  failed: SeatChangeSet[];
  waitlistEvents: WaitlistEvent[];
}

export const recordingPublisher = (forward?: SeatEventPublisher): RecordingPublisher => {
  const changes: SeatChangeSet[] = [];
  const failed: SeatChangeSet[] = [];
  const waitlistEvents: WaitlistEvent[] = [];
  return {
    changes,
    failed,
    waitlistEvents,
    async publish(change) {
      changes.push(change);
      try {
        await forward?.publish(change);
      } catch (e) {
        failed.push(change);
        throw e;
      }
    },
    async publishWaitlist(event) {
      waitlistEvents.push(event);
      await forward?.publishWaitlist(event);
    },
    async close() {
      await forward?.close();
    },
  };
};

/** The activities as the worker builds them, from a suite's deps; a test may swap the publisher, the mail server or settings. */
export const testActivities = (deps: TestDeps, o: { publisher?: SeatEventPublisher; smtpUrl?: string; settings?: Partial<ActivitySettings> } = {}) =>
  createActivities({
    ds: deps.ds,
    payments: deps.payments,
    publisher: o.publisher ?? recordingPublisher(),
    clock: deps.clock,
    log: deps.log,
    mailer: createMailer({ smtpUrl: o.smtpUrl ?? deps.config.SMTP_URL, timeoutMs: deps.config.MAIL_SEND_TIMEOUT_SECONDS * 1000 }),
    waitlist: createWaitlistBell(deps.temporal, deps.config.TASK_QUEUE, deps.log),
    settings: { ...deps.config, ...o.settings },
  });

export interface TestWorker {
  worker: Worker;
  publisher: RecordingPublisher;
  stop(): Promise<void>;
}

/** A real Temporal worker, in process, on the suite's own task queue, with activities built from the suite's deps. */
export async function startTestWorker(deps: TestDeps, opts: { publisher?: SeatEventPublisher } = {}): Promise<TestWorker> {
  installTestRuntime();
  const publisher = recordingPublisher(opts.publisher);
  const connection = await NativeConnection.connect({ address: deps.config.TEMPORAL_ADDRESS });
  const worker = await createCheckoutWorker({
    connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: testActivities(deps, { publisher }),
  });
  const running = worker.run();
  return {
    worker,
    publisher,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Leaves no waitlist running on the shared Temporal server once a suite is done. */
export async function terminateWaitlists(deps: TestDeps): Promise<void> {
  const lines: { showtime_id: number }[] = await deps.ds.query('SELECT DISTINCT showtime_id FROM waitlist_entries');
  await Promise.all(
    lines.map(({ showtime_id }) =>
      deps.temporal.workflow.getHandle(waitlistWorkflowId(deps.config.TASK_QUEUE, showtime_id)).terminate('test suite finished').catch(() => undefined),
    ),
  );
}

/** Leaves no checkout running on the shared Temporal server once a suite's worker is gone. */
export async function terminateOpenCheckouts(deps: TestDeps): Promise<void> {
  const open: { id: string }[] = await deps.ds.query("SELECT id FROM bookings WHERE status IN ('HOLDING', 'AWAITING_PAYMENT')");
  await Promise.all(open.map(({ id }) => deps.temporal.workflow.getHandle(id).terminate('test suite finished').catch(() => undefined)));
}

/** Whether a workflow with this id was ever started on the suite's Temporal server (a refused request starts none). */
export const workflowStarted = (deps: TestDeps, workflowId: string): Promise<boolean> =>
  deps.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      (e: unknown) => (e instanceof WorkflowNotFoundError ? false : Promise.reject(e)),
    );
