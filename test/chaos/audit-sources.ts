import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import type { ProviderPayment, RunningCheckout } from './audit.js';

/** What the auditor reads outside MariaDB: Temporal's running checkouts, and the payment provider's intents and refunds. */

export async function runningCheckouts(temporal: Client): Promise<RunningCheckout[]> {
  const running: RunningCheckout[] = [];
  for await (const wf of temporal.workflow.list({ query: "WorkflowType = 'checkoutWorkflow' AND ExecutionStatus = 'Running'" })) {
    running.push({ workflowId: wf.workflowId, startTime: wf.startTime });
  }
  return running;
}

/** Every payment intent at Stripe (here: localstripe) with its refunds; `keep` narrows them (a test's own). */
export async function providerPayments(stripe: Stripe, keep: (intentId: string) => boolean = () => true): Promise<ProviderPayment[]> {
  const refunds = new Map<string, { id: string; amount: number }[]>();
  for await (const r of stripe.refunds.list({ limit: 100 })) {
    const intentId = typeof r.payment_intent === 'string' ? r.payment_intent : r.payment_intent?.id;
    if (intentId) refunds.set(intentId, [...(refunds.get(intentId) ?? []), { id: r.id, amount: r.amount }]);
  }
  const payments: ProviderPayment[] = [];
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) {
    if (!keep(pi.id)) continue;
    payments.push({ intentId: pi.id, checkoutId: pi.metadata?.checkoutId || null, status: pi.status, amount: pi.amount, refunds: refunds.get(pi.id) ?? [] });
  }
  return payments;
}
