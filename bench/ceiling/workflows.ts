import { condition, defineSignal, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';
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
export async function leastWorkCheckout(): Promise<string> {
  let held: string | undefined = undefined;
  let paid = false;
  setHandler(holdUpdate, async () => {
    await condition(() => held !== undefined);
    return held!;
  });
  setHandler(paidSignal, () => {
    paid = true;
  });
  held = await steps.hold();
  await condition(() => paid);
  await steps.confirm();
  await steps.notify();
  return 'CONFIRMED';
}
