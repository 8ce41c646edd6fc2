import { WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { recordOnce } from '../db/payment-events.js';
import type { PaymentEventIn } from '../payments/provider.js';
import { paymentFailedSignal, paymentSucceededSignal, refundWorkflowId, type RefundInput } from '../workflows/contracts.js';
import type { AppDeps } from './deps.js';

export type IngestOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * The one path by which a payment decision reaches a checkout, for Stripe
 * webhooks and the mock provider alike. The event row and its effect share a
 * transaction: if signalling fails the row is rolled back and the provider's
 * retry tries again; a replayed event hits the unique key and changes nothing.
 */
export async function ingestPaymentEvent(deps: AppDeps, event: PaymentEventIn): Promise<IngestOutcome> {
  return deps.ds.transaction(async (tx) => {
    if (!(await recordOnce(tx, event, deps.clock.now()))) return 'duplicate';
    return applyEvent(deps, event);
  });
}

async function applyEvent(deps: AppDeps, event: PaymentEventIn): Promise<IngestOutcome> {
  const { checkoutId, intentId } = event;
  if (!checkoutId || !intentId) return 'ignored';
  const handle = deps.temporal.workflow.getHandle(checkoutId);
  switch (event.type) {
    case 'payment_intent.succeeded':
      try {
        await handle.signal(paymentSucceededSignal, { intentId, amount: event.amount ?? 0 });
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
        // The checkout has closed (expired, cancelled): money without seats is refunded.
        await startRefund(deps, { intentId, checkoutId, reason: 'payment arrived after the checkout closed' });
      }
      return 'applied';
    case 'payment_intent.payment_failed':
      try {
        await handle.signal(paymentFailedSignal, { reason: event.failureReason ?? 'payment failed' });
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
      return 'applied';
    default:
      return 'ignored';
  }
}

export async function startRefund(deps: AppDeps, input: RefundInput): Promise<void> {
  await deps.temporal.workflow.start('refundWorkflow', {
    workflowId: refundWorkflowId(input.intentId),
    taskQueue: deps.config.TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}
