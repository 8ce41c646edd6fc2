import { NativeConnection, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { SeatEventPublisher } from '../../live/publisher.js';
import type { SeatChangeSet } from '../../live/protocol.js';
import { activitySettings, bundleWorkflows, createCheckoutWorker, silentSdkLogger } from '../../worker/create-worker.js';
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
}

export const recordingPublisher = (forward?: SeatEventPublisher): RecordingPublisher => {
  const changes: SeatChangeSet[] = [];
  return {
    changes,
    async publish(change) {
      changes.push(change);
      await forward?.publish(change);
    },
    async close() {
      await forward?.close();
    },
  };
};

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
    activities: createActivities({
      ds: deps.ds,
      payments: deps.payments,
      publisher,
      clock: deps.clock,
      log: deps.log,
      settings: activitySettings(deps.config),
    }),
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
