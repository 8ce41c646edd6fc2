/**
 * The least-work shape's worker, a process of its own (like Marquee's), on its
 * own task queue of the measured stack's Temporal server.
 *   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TASK_QUEUE
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { silentSdkLogger, workerTuning } from '../../worker/create-worker.js';
import { leastWorkActivities } from './activities.js';

const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE = 'default', TASK_QUEUE } = process.env;
if (!TEMPORAL_ADDRESS || !TASK_QUEUE) throw new Error('TEMPORAL_ADDRESS and TASK_QUEUE are required');

Runtime.install({ logger: silentSdkLogger });
const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: TEMPORAL_NAMESPACE,
  taskQueue: TASK_QUEUE,
  activities: leastWorkActivities,
  workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: silentSdkLogger }),
  ...workerTuning,
});
const running = worker.run();
process.stdout.write('least-work worker running\n');
await running;
await connection.close();
