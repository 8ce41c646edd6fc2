import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { expect } from 'chai';
import type { Activities } from '../../../activities/index.js';
import type { WaitlistOffer } from '../../../activities/waitlist.js';
import { withFailureMapping } from '../../../activities/failures.js';
import { lookAgainSignal, waitlistWorkflowId, type WaitlistInput } from '../../../workflows/contracts.js';
import { HISTORY_EVENTS_PER_RUN, LOOK_EVERY_MS, type waitlistWorkflow } from '../../../workflows/waitlist.js';
import { eventually } from '../../support/fixtures.js';
import { startTimeSkipping, stepWorker, stubSteps } from '../../support/time-skipping.js';

type LineSteps = Pick<Activities, 'offerSeatsToWaitlist' | 'announceOffer' | 'closeWaitlist'>;

const HOUR = 3_600_000;

/**
 * The waitlist workflow on Temporal's time-skipping server with stub steps:
 * when it looks for seats, how it starts offers, when it closes, and that a
 * run hands over to a fresh one. What needs MySQL (the offer transaction) is
 * tested in test/integration/waitlist.
 */
describe('waitlistWorkflow (time-skipping server, stub steps)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let n = 0;

  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  /** A line of its own whose offer step answers from `answers` (one per look, the last one repeated). */
  async function line(answers: Awaited<ReturnType<LineSteps['offerSeatsToWaitlist']>>[], startsInMs: number) {
    const calls = { looks: [] as number[], announced: [] as string[], closed: 0 };
    const steps: LineSteps = {
      offerSeatsToWaitlist: async () => {
        calls.looks.push(await env.currentTimeMs());
        return answers[Math.min(calls.looks.length - 1, answers.length - 1)]!;
      },
      announceOffer: async ({ checkoutId }) => {
        calls.announced.push(checkoutId);
      },
      closeWaitlist: async () => {
        calls.closed++;
      },
    };
    const checkoutSteps = stubSteps(env);
    const { worker, taskQueue } = await stepWorker(env, { ...checkoutSteps.activities, ...withFailureMapping(steps) });
    const showtimeId = ++n;
    const input: WaitlistInput = { showtimeId, startsAt: new Date((await env.currentTimeMs()) + startsInMs).toISOString() };
    const start = () =>
      env.client.workflow.signalWithStart<typeof waitlistWorkflow>('waitlistWorkflow', {
        workflowId: waitlistWorkflowId(taskQueue, showtimeId),
        taskQueue,
        args: [input],
        signal: lookAgainSignal,
      });
    return { worker, taskQueue, calls, checkoutSteps, start };
  }

  const offer = (i: number): WaitlistOffer => ({ entryId: `wl_${i}`, userId: 40 + i, checkoutId: `chk_WL${String(i).padStart(24, '0')}`, seatIds: [100 + i] });

  it('looks at once, again when rung, and every LOOK_EVERY_MS regardless; closes the line when the showtime starts', async () => {
    const startsInMs = 3 * LOOK_EVERY_MS + 1_000;
    const l = await line([{ open: true, offers: [] }], startsInMs);
    await l.worker.runUntil(async () => {
      const handle = await l.start();
      const t0 = (await handle.describe()).startTime.getTime();
      await eventually(async () => l.calls.looks.length === 1);
      await handle.signal(lookAgainSignal);
      await eventually(async () => l.calls.looks.length === 2);
      await handle.result();
      // One look at the start, one on the ring, then one per LOOK_EVERY_MS (counted from the end of the one before)
      // until the showtime starts; then the line closes, without a look at the start itself.
      const gaps = l.calls.looks.slice(1).map((t, i) => t - l.calls.looks[i]!);
      expect(l.calls.looks).to.have.length(5);
      for (const gap of gaps.slice(1)) expect(gap).to.be.at.least(LOOK_EVERY_MS);
      expect(l.calls.looks.at(-1)!).to.be.below(t0 + startsInMs);
      expect(l.calls.closed).to.equal(1);
    });
  });

  it('looks again when seats held for the line run out of grace, before LOOK_EVERY_MS has passed', async () => {
    const startsInMs = LOOK_EVERY_MS - 10_000;
    const graceEndsAt = (await env.currentTimeMs()) + 5_000;
    const l = await line([{ open: true, offers: [], graceEndsAt: new Date(graceEndsAt).toISOString() }, { open: true, offers: [], graceEndsAt: null }], startsInMs);
    await l.worker.runUntil(async () => {
      const handle = await l.start();
      await handle.result();
      // The look at the start, the one at the end of the grace (which frees what the line did not take), then none until the start.
      expect(l.calls.looks).to.have.length(2);
      expect(l.calls.looks[1]!).to.be.at.least(graceEndsAt);
      expect(l.calls.looks[1]!).to.be.below(l.calls.looks[0]! + LOOK_EVERY_MS);
    });
  });

  it('starts each offer as a checkout that outlives the line, announces it once, and starts none twice', async () => {
    const first = offer(1);
    // The offer step answers the same offer again until its checkout has run its hold (a retried step, a crash).
    const l = await line([{ open: true, offers: [first] }, { open: true, offers: [first, offer(2)] }, { open: false, offers: [] }], HOUR);
    await l.worker.runUntil(async () => {
      const handle = await l.start();
      await eventually(async () => l.calls.announced.length === 1);
      await handle.signal(lookAgainSignal);
      await eventually(async () => l.calls.announced.length === 2);
      await handle.signal(lookAgainSignal);
      await handle.result();
      expect(l.calls.announced).to.deep.equal([first.checkoutId, offer(2).checkoutId]);
      expect(l.calls.closed).to.equal(1);
      // Each offer is a checkout workflow of its own, started once, still there after the line closed.
      for (const o of [first, offer(2)]) {
        const child = await env.client.workflow.getHandle(o.checkoutId).describe();
        expect(child.type).to.equal('checkoutWorkflow');
        expect(child.parentExecution?.workflowId).to.equal(handle.workflowId);
      }
      const reserved = l.checkoutSteps.called('reserveSeats').map((c) => (c.input as { checkoutId: string }).checkoutId);
      expect(reserved.sort()).to.deep.equal([first.checkoutId, offer(2).checkoutId].sort());
    });
  });

  it(`hands over to a fresh run (continue-as-new) before its history passes ${HISTORY_EVENTS_PER_RUN} events, and the new run goes on looking`, async () => {
    const l = await line([{ open: true, offers: [] }], HOUR);
    await l.worker.runUntil(async () => {
      const handle = await l.start();
      const firstRun = (await handle.describe()).runId;
      await eventually(async () => l.calls.looks.length === 1);
      // Rings add history quickly (one event each; the workflow looks once per batch of them).
      for (let sent = 0; sent < HISTORY_EVENTS_PER_RUN + 100; sent += 100) {
        await Promise.all(Array.from({ length: 100 }, () => handle.signal(lookAgainSignal)));
      }
      // The latest run of the line's workflow id is another one.
      await eventually(async () => (await env.client.workflow.getHandle(handle.workflowId).describe()).runId !== firstRun, 60_000, 250);
      const history = await env.client.workflow.getHandle(handle.workflowId, firstRun).fetchHistory();
      expect(history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes, 'the first run ended by continuing as new').to.not.equal(undefined);
      // The new run goes on looking for seats.
      await eventually(async () => {
        const next = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
        return next.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'offerSeatsToWaitlist');
      });
      expect(l.calls.closed, 'the line did not close on the way').to.equal(0);
      await env.client.workflow.getHandle(handle.workflowId).terminate('test done');
    });
  });
});
