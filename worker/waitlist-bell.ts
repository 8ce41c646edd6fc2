import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { WaitlistBell } from '../activities/deps.js';
import type { Logger } from '../core/logger.js';
import { lookAgainSignal, waitlistWorkflowId } from '../workflows/contracts.js';

/**
 * Rings a showtime's waitlist: a signal to its workflow, when one runs (no
 * one in line, no workflow: nothing to do). A failed ring is logged, never
 * thrown: the seat step that rang has committed, and the waitlist looks for
 * free seats on its own every WAITLIST_LOOK_MS anyway.
 */
export function createWaitlistBell(client: Client, taskQueue: string, log: Logger): WaitlistBell {
  return {
    async ring(showtimeId) {
      try {
        await client.workflow.getHandle(waitlistWorkflowId(taskQueue, showtimeId)).signal(lookAgainSignal);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return;
        log.warn({ err: e, showtimeId }, 'waitlist not told of returned seats; it will find them on its next look');
      }
    },
  };
}
