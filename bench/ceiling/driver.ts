import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation, WorkflowIdConflictPolicy } from '@temporalio/client';
import { spawnService, type ServiceProcess } from '../../test/support/processes.js';
import type { Outcome } from '../lib/loops.js';
import { checkoutStartAttributes } from '../../workflows/contracts.js';
import { holdUpdate, paidSignal, type leastWorkCheckout } from './workflows.js';

/** The least-work shape on one Temporal server: its worker process, a client, and one checkout of it. */
export interface LeastWork {
  worker: ServiceProcess;
  /** start+hold (update-with-start) → signal → result. */
  checkout(): Promise<Outcome>;
  /** The same with Marquee's operator visibility: its four search attributes at the start, the memo and status upserts. */
  visibleCheckout(): Promise<Outcome>;
  close(): Promise<void>;
}

export async function startLeastWork(address: string, namespace = 'default'): Promise<LeastWork> {
  const taskQueue = `bench-least-work-${randomUUID().slice(0, 8)}`;
  const worker = await spawnService('bench/ceiling/worker.ts', { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TASK_QUEUE: taskQueue }, (out) =>
    out.includes('least-work worker running'),
  );
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    worker,
    checkout: () => oneCheckout(client, taskQueue, 'leastWorkCheckout'),
    visibleCheckout: () => oneCheckout(client, taskQueue, 'visibleCheckout'),
    async close() {
      await connection.close();
      await worker.kill('SIGTERM');
    },
  };
}

async function oneCheckout(client: Client, taskQueue: string, shape: 'leastWorkCheckout' | 'visibleCheckout'): Promise<Outcome> {
  const t0 = performance.now();
  const visible = shape === 'visibleCheckout';
  const start = new WithStartWorkflowOperation<typeof leastWorkCheckout>(shape, {
    workflowId: `least-work-${randomUUID()}`,
    taskQueue,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    ...(visible ? { typedSearchAttributes: checkoutStartAttributes({ showtimeId: 1, userId: 1, seatCount: 1 }) } : {}),
  });
  await client.workflow.executeUpdateWithStart(holdUpdate, { startWorkflowOperation: start });
  const held = performance.now();
  const handle = await start.workflowHandle();
  await handle.signal(paidSignal);
  const status = await handle.result();
  const done = performance.now();
  return { ok: status === 'CONFIRMED', ms: { hold: held - t0, pay: done - held, total: done - t0 } };
}
