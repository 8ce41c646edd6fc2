import { condition, defineSignal, defineUpdate, proxyLocalActivities, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { CheckoutStatusKey } from '../../workflows/contracts.js';
import type { leastWorkActivities } from './activities.js';

export const holdUpdate = defineUpdate<string>('hold');
export const paidSignal = defineSignal('paid');

const steps = proxyLocalActivities<typeof leastWorkActivities>({ startToCloseTimeout: '5s' });

/**
 * The least work a checkout can cost Temporal: update-with-start answered by
 * one local activity, one signal, completion by local activities. The
 * activities do nothing, so what remains is the server and worker cost of the
 * shape itself: the ceiling Marquee's checkout is compared with.
 */
export function leastWorkCheckout(): Promise<string> {
  return checkoutShape(false);
}

/**
 * The same shape with what Marquee's checkout adds for operators (started by
 * the driver with the same four search attributes): the memo and the
 * CheckoutStatus search attribute at the hold, the status again at the
 * confirmation. The difference to the least-work shape is the cost of
 * operator visibility on the Temporal server.
 */
export function visibleCheckout(): Promise<string> {
  return checkoutShape(true);
}

async function checkoutShape(visible: boolean): Promise<string> {
  let held: string | undefined = undefined;
  let paid = false;
  setHandler(holdUpdate, async () => {
    await condition(() => held !== undefined);
    return held!;
  });
  setHandler(paidSignal, () => {
    paid = true;
  });
  const hold = await steps.hold();
  if (visible) {
    upsertMemo({ seats: 'A1', amount: 1000, currency: 'USD' });
    upsertSearchAttributes([{ key: CheckoutStatusKey, value: 'AWAITING_PAYMENT' }]);
  }
  held = hold;
  await condition(() => paid);
  await steps.confirm();
  if (visible) upsertSearchAttributes([{ key: CheckoutStatusKey, value: 'CONFIRMED' }]);
  await steps.notify();
  return 'CONFIRMED';
}
