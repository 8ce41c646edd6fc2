import { condition, continueAsNew, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { WaitlistOffer } from '../activities/waitlist.js';
import { activityOptions } from './activity-options.js';
import { checkoutWorkflow } from './checkout.js';
import { cancelMessage, cancelSignal, lookAgainSignal, offerCheckoutStart, type WaitlistInput } from './contracts.js';
import { Patches } from './patches.js';
import { workflowNow } from './time.js';

const steps = proxyActivities<Activities>(activityOptions.waitlist);
const announcing = proxyActivities<Activities>(activityOptions.announce);

/** How often the line looks for free seats without being rung: it makes up for a ring that was lost. */
export const LOOK_EVERY_MS = 30_000;
/** How long after a grace ends the line looks, so that the offer step's clock is past it. */
export const GRACE_MARGIN_MS = 100;
/** Past this many history events a run hands over to a fresh one (continue-as-new), well before the server's limits. */
export const HISTORY_EVENTS_PER_RUN = 2_000;

/**
 * The waitlist of one showtime (docs/waitlist.md), from the first buyer to
 * join until the showtime starts or is cancelled. Rung when seats come back
 * or the line changes, when seats held for it run out of grace (and every
 * LOOK_EVERY_MS regardless), it offers free seats to those in line: each
 * offer is a checkout, held for its buyer, that runs as its own workflow (a
 * child that outlives this one). The line and the offers are rows, so a run
 * carries nothing over to the next.
 */
export async function waitlistWorkflow(input: WaitlistInput): Promise<void> {
  // A run looks at once: it may start after a ring its predecessor did not act on.
  let rung = true;
  setHandler(lookAgainSignal, () => {
    rung = true;
  });
  const startsAt = Date.parse(input.startsAt);
  const announcements: Promise<void>[] = [];
  // Seats given back to the line and not offered become everyone's when their grace ends: the offer step frees them then.
  let graceEndsAt: number | null = null;

  for (;;) {
    const untilStart = startsAt - workflowNow();
    if (untilStart <= 0) break;
    const untilGraceEnds = graceEndsAt === null ? LOOK_EVERY_MS : Math.max(1, graceEndsAt - workflowNow() + GRACE_MARGIN_MS);
    await condition(() => rung, Math.min(LOOK_EVERY_MS, untilStart, untilGraceEnds));
    if (workflowNow() >= startsAt) break;
    rung = false;
    const { open, offers, graceEndsAt: next } = await steps.offerSeatsToWaitlist({ showtimeId: input.showtimeId });
    graceEndsAt = next ? Date.parse(next) : null;
    if (!open) break;
    for (const offer of offers) {
      const child = await started(offer, input.showtimeId);
      if (!child) continue;
      // The buyer left before the checkout existed, so their cancel reached nothing: the checkout now owns the hold and releases it.
      if (offer.left && patched(Patches.waitlistLeftOffers)) await child.signal(cancelSignal, cancelMessage('left the waitlist', new Date(workflowNow())));
      else announcements.push(announcing.announceOffer({ showtimeId: input.showtimeId, entryId: offer.entryId, checkoutId: offer.checkoutId }));
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_PER_RUN) {
      await Promise.all(announcements);
      return continueAsNew<typeof waitlistWorkflow>(input);
    }
  }
  await Promise.all(announcements);
  await steps.closeWaitlist({ showtimeId: input.showtimeId });
}

/**
 * Starts the checkout that holds an offer's seats (its hold is already
 * written: the checkout finds it and goes on to the payment). Undefined when
 * it was started before: the offer step answers an offer again until its
 * checkout has run its hold.
 */
async function started(offer: WaitlistOffer, showtimeId: number): Promise<ChildWorkflowHandle<typeof checkoutWorkflow> | undefined> {
  try {
    return await startChild(checkoutWorkflow, {
      ...offerCheckoutStart(offer, showtimeId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw e;
  }
}
