import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { expect } from 'chai';
import { AppError } from '../../../core/errors.js';
import { appErrorFrom } from '../../../core/failures.js';
import type { checkoutWorkflow } from '../../../workflows/checkout.js';
import { cancelSignal, extendUpdate, holdUpdate, paymentSucceededSignal, type CheckoutInput, type CheckoutState, type HoldResult } from '../../../workflows/contracts.js';
import { eventually } from '../../support/fixtures.js';
import { HOLD_EXTENSION_MS, HOLD_TTL_MS, startTimeSkipping, stepWorker, stubSteps, type CheckoutSteps, type StepCall } from '../../support/time-skipping.js';

/** The steps in the order they were first called. */
const distinct = (steps: string[]): string[] => [...new Set(steps)];

interface During {
  handle: WorkflowHandle<typeof checkoutWorkflow>;
  /** What the hold update answered (or its failure), as the API's update-with-start got it. */
  hold: () => Promise<HoldResult>;
  /** The steps called so far, in order. */
  steps: () => string[];
}

/**
 * The checkout saga on Temporal's time-skipping server with stub steps: the
 * timing and ordering of every path, in seconds of real time. What needs
 * MySQL (row locks, booking rows) is tested in test/integration/checkout.
 */
describe('checkoutWorkflow (time-skipping server, stub steps)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  let n = 0;

  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  /** Starts a checkout and runs `during` while its worker is up (the hold is asked for by `during`), then waits for the result. */
  async function checkout(overrides: Partial<CheckoutSteps>, during: (d: During) => Promise<void>) {
    const stubs = stubSteps(env, overrides);
    const { worker, taskQueue } = await stepWorker(env, stubs.activities);
    const args: CheckoutInput = {
      checkoutId: `chk_TS${String(++n).padStart(24, '0')}`,
      userId: 7,
      showtimeId: 3,
      seatIds: [11, 12],
      requestHash: 'hash',
      idempotencyKey: null,
    };
    const result = await worker.runUntil(async () => {
      // Started as the API starts it: update-with-start, so the hold runs in the workflow's first task.
      const start = new WithStartWorkflowOperation<typeof checkoutWorkflow>('checkoutWorkflow', {
        workflowId: args.checkoutId,
        taskQueue,
        args: [args],
        workflowIdConflictPolicy: 'FAIL',
      });
      const held = env.client.workflow.executeUpdateWithStart(holdUpdate, { args: [{ requestHash: args.requestHash }], startWorkflowOperation: start });
      held.catch(() => undefined);
      const handle = await start.workflowHandle();
      await during({ handle, hold: () => held, steps: () => stubs.calls.map((c) => c.step) });
      return { state: await handle.result(), startedAtMs: (await handle.describe()).startTime.getTime() };
    });
    const only = (step: keyof CheckoutSteps): StepCall => {
      const found = stubs.called(step);
      expect(found, step).to.have.length(1);
      return found[0]!;
    };
    return { state: result.state as CheckoutState, startedAtMs: result.startedAtMs, steps: stubs.calls.map((c) => c.step), only };
  }

  const domainError = async (p: Promise<unknown>): Promise<AppError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    const app = appErrorFrom(err);
    if (!app) throw new Error(`expected a domain failure, got ${String(err)}`);
    return app;
  };

  it('hold refused: the update answers with the refusal; nothing is released', async () => {
    const run = await checkout({ reserveSeats: () => Promise.reject(new AppError('SEATS_UNAVAILABLE', 'taken', { seatIds: [12] })) }, async ({ hold }) => {
      const err = await domainError(hold());
      expect(err.code).to.equal('SEATS_UNAVAILABLE');
      expect(err.details).to.deep.equal({ seatIds: [12] });
    });
    expect(run.steps).to.deep.equal(['reserveSeats']);
    expect(run.state.status).to.equal('FAILED');
    expect(run.state.holdFailure).to.deep.include({ code: 'SEATS_UNAVAILABLE', details: { seatIds: [12] } });
  });

  it('provider outage during the hold: seats released first, then the update answers PAYMENT_PROVIDER_ERROR', async () => {
    const outage = new AppError('PAYMENT_PROVIDER_ERROR', "provider down (giving up: the step's time budget is spent)", undefined, { retryable: false });
    const run = await checkout({ reserveSeats: () => Promise.reject(outage) }, async ({ hold, steps }) => {
      const err = await domainError(hold());
      expect(err.code).to.equal('PAYMENT_PROVIDER_ERROR');
      expect(steps(), 'released before the answer').to.deep.equal(['reserveSeats', 'releaseSeats']);
    });
    expect(run.only('releaseSeats').input).to.deep.include({ status: 'FAILED', reason: 'payment provider unavailable' });
    expect(run.state.status).to.equal('FAILED');
  });

  it('expiry exactly at the TTL: nothing a second before; at the TTL the intent is cancelled, then the seats released', async () => {
    const run = await checkout({}, async ({ hold, steps }) => {
      await hold();
      await env.sleep(HOLD_TTL_MS - 1_000);
      expect(steps()).to.deep.equal(['reserveSeats']);
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'cancelPaymentIntent', 'releaseSeats']);
    const cancelledAfter = run.only('cancelPaymentIntent').scheduledAtMs - run.startedAtMs;
    expect(cancelledAfter).to.be.at.least(HOLD_TTL_MS).and.below(HOLD_TTL_MS + 1_000);
    expect(run.only('releaseSeats').input).to.deep.include({ status: 'EXPIRED', reason: 'hold expired before payment' });
    expect(run.state.status).to.equal('EXPIRED');
  });

  it('payment arriving at the deadline: the intent turns out paid when cancelled, so the money wins and the seats are booked', async () => {
    const run = await checkout({ cancelPaymentIntent: async () => 'succeeded' }, async ({ hold }) => {
      await hold();
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'cancelPaymentIntent', 'confirmSeats', 'sendConfirmation']);
    expect(run.state.status).to.equal('CONFIRMED');
  });

  it('cancel racing pay: a payment that lands while the cancel voids the intent is refunded, and the checkout is CANCELLED', async () => {
    let handle: During['handle'] | undefined;
    const run = await checkout(
      {
        cancelPaymentIntent: async () => {
          await handle!.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 2000 });
          return 'succeeded';
        },
      },
      async (d) => {
        handle = d.handle;
        await d.hold();
        await d.handle.signal(cancelSignal, { reason: 'changed my mind' });
      },
    );
    expect(run.steps.slice(0, 4)).to.deep.equal(['reserveSeats', 'cancelPaymentIntent', 'refundPayment', 'releaseSeats']);
    expect(run.only('releaseSeats').input).to.deep.include({ status: 'CANCELLED', reason: 'changed my mind' });
    expect(run.steps).to.not.include('confirmSeats');
    expect(run.state.status).to.equal('CANCELLED');
  });

  it('pay then cancel: the payment came first and wins; the cancel changes nothing', async () => {
    const run = await checkout({}, async ({ hold, handle }) => {
      await hold();
      await handle.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 2000 });
      await handle.signal(cancelSignal, { reason: 'too late' });
    });
    // A signal landing while local steps run makes the server retry that task, which runs them again: each is safe to repeat.
    expect(distinct(run.steps)).to.deep.equal(['reserveSeats', 'confirmSeats', 'sendConfirmation']);
    expect(run.state.status).to.equal('CONFIRMED');
  });

  it('amount mismatch: the payment is refunded and the seats released; nothing is booked', async () => {
    const run = await checkout({}, async ({ hold, handle }) => {
      await hold();
      await handle.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 1999 });
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'refundPayment', 'releaseSeats']);
    expect(run.only('refundPayment').input).to.deep.equal({ intentId: 'pi_own' });
    expect(run.only('releaseSeats').input).to.deep.include({ status: 'FAILED', reason: 'payment did not match the checkout' });
    expect(run.state.status).to.equal('FAILED');
  });

  it("a payment of another intent is refunded and the checkout's own intent voided", async () => {
    const run = await checkout({}, async ({ hold, handle }) => {
      await hold();
      await handle.signal(paymentSucceededSignal, { intentId: 'pi_other', amount: 2000 });
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'refundPayment', 'cancelPaymentIntent', 'releaseSeats']);
    expect(run.only('refundPayment').input).to.deep.equal({ intentId: 'pi_other' });
    expect(run.only('cancelPaymentIntent').input).to.deep.equal({ intentId: 'pi_own' });
  });

  it('late payment after close: a success signalled while the expired checkout releases its seats is refunded before it ends', async () => {
    let handle: During['handle'] | undefined;
    let signalled = false;
    const run = await checkout(
      {
        releaseSeats: async () => {
          if (!signalled) await handle!.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 2000 });
          signalled = true;
          return null;
        },
      },
      async (d) => {
        handle = d.handle;
        await d.hold();
      },
    );
    expect(distinct(run.steps)).to.deep.equal(['reserveSeats', 'cancelPaymentIntent', 'releaseSeats', 'refundLatePayment']);
    expect(run.only('refundLatePayment').input).to.deep.include({ intentId: 'pi_own', reason: 'payment arrived while the checkout was expired' });
    expect(run.state.status).to.equal('EXPIRED');
  });

  it('seats no longer held at confirm: the payment is refunded and the checkout FAILED', async () => {
    const run = await checkout({ confirmSeats: () => Promise.reject(new AppError('SEATS_NOT_HELD', 'gone', { seatIds: [12] })) }, async ({ hold, handle }) => {
      await hold();
      await handle.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 2000 });
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'confirmSeats', 'refundPayment', 'releaseSeats']);
    expect(run.only('releaseSeats').input).to.deep.include({ status: 'FAILED', reason: 'seats were no longer held' });
    expect(run.state.status).to.equal('FAILED');
  });

  it('a hold asked again with another body is refused IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const run = await checkout({}, async ({ hold, handle }) => {
      await hold();
      const err = await domainError(handle.executeUpdate(holdUpdate, { args: [{ requestHash: 'another' }] }));
      expect(err.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      await handle.signal(cancelSignal, { reason: 'done' });
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'cancelPaymentIntent', 'releaseSeats']);
  });

  it('extension: the deadline moves once by the extension; nothing at the old deadline, expiry at the new one', async () => {
    let extendedTo = '';
    const run = await checkout({}, async ({ hold, handle, steps }) => {
      const held = await hold();
      ({ expiresAt: extendedTo } = await handle.executeUpdate(extendUpdate));
      expect(Date.parse(extendedTo) - Date.parse(held.expiresAt)).to.equal(HOLD_EXTENSION_MS);
      expect((await handle.query('status')) as CheckoutState).to.include({ expiresAt: extendedTo });
      await env.sleep(HOLD_TTL_MS + 1_000);
      expect(steps(), 'the old deadline passed quietly').to.deep.equal(['reserveSeats', 'extendHold']);
      const again = await domainError(handle.executeUpdate(extendUpdate));
      expect(again.code, 'only once').to.equal('CONFLICT');
    });
    expect(run.steps).to.deep.equal(['reserveSeats', 'extendHold', 'cancelPaymentIntent', 'releaseSeats']);
    const expiredAfter = run.only('cancelPaymentIntent').scheduledAtMs - run.startedAtMs;
    expect(expiredAfter).to.be.at.least(HOLD_TTL_MS + HOLD_EXTENSION_MS).and.below(HOLD_TTL_MS + HOLD_EXTENSION_MS + 1_000);
    expect(run.state).to.include({ status: 'EXPIRED', expiresAt: extendedTo });
  });

  it('extension is refused once the checkout is paid or cancelled (asked while it is still closing)', async () => {
    for (const [close, closingStep] of [['pay', 'confirmSeats'], ['cancel', 'cancelPaymentIntent']] as const) {
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const run = await checkout({ [closingStep]: async () => (await gate, closingStep === 'confirmSeats' ? null : 'canceled') }, async ({ hold, handle, steps }) => {
        await hold();
        if (close === 'pay') await handle.signal(paymentSucceededSignal, { intentId: 'pi_own', amount: 2000 });
        else await handle.signal(cancelSignal, { reason: 'no' });
        await eventually(async () => steps().includes(closingStep));
        const err = await domainError(handle.executeUpdate(extendUpdate));
        expect(err.code, close).to.equal('CONFLICT');
        open();
      });
      expect(run.steps, close).to.not.include('extendHold');
    }
  });
});
