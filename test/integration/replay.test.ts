import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { expect } from 'chai';
import { silentSdkLogger, workflowsPath } from '../../worker/create-worker.js';
import { workflowBundle } from '../support/worker.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);

/**
 * Histories recorded from earlier versions of the workflows (see
 * test/support/record-histories.ts) must replay on the current code: a change
 * that would break running checkouts fails here, and needs patched().
 */
describe('workflow determinism (replay of recorded histories)', function () {
  this.timeout(120_000);
  const files = readdirSync(DIR).filter((f) => f.endsWith('.pb'));

  const paths = [
    'confirmed.pb',
    'declined-then-confirmed.pb',
    'cancelled.pb',
    'expired.pb',
    'hold-refused.pb',
    'hold-provider-outage.pb',
    'paid-at-deadline.pb',
    'payment-mismatched.pb',
    'booking-cancelled.pb',
    'refund-late-payment.pb',
    'showtime-cancelled.pb',
    'showtime-cancelled-checkout.pb',
  ];

  /** Paths that exist only since a shape. */
  const extensionPaths = ['extended-then-expired.pb', 'extended-then-confirmed.pb', 'best-available-confirmed.pb'];

  /** The waitlist (r5): its workflow, and the checkouts it starts for offers (a hold written by the line, paid or lapsed). */
  const waitlistPaths = ['waitlist-closed.pb', 'waitlist-offer-paid.pb', 'waitlist-offer-lapsed.pb'];

  /** r6: the line cancels an offer it starts late whose buyer had left (`waitlist-cancel-left-offers`). */
  const leftOfferPaths = ['waitlist-left-offer-cancelled.pb'];

  /** r7: a cancel counts only if sent before the deadline (`checkout-cancel-by-deadline`): the paths a cancel closes. */
  const cancelByDeadlinePaths = ['cancelled.pb', 'showtime-cancelled-checkout.pb'];

  it('has recorded histories of every path, for release 1 and each later shape (r2: local steps; r4: hold extension; r5: the waitlist; r6: left offers; r7: cancels by the deadline)', () => {
    expect(files).to.include.members([
      ...paths,
      ...paths.map((p) => `r2-${p}`),
      ...[...paths, ...extensionPaths].map((p) => `r4-${p}`),
      ...waitlistPaths.map((p) => `r5-${p}`),
      ...leftOfferPaths.map((p) => `r6-${p}`),
      ...cancelByDeadlinePaths.map((p) => `r7-${p}`),
    ]);
  });

  const history = (f: string) => proto.temporal.api.history.v1.History.decode(readFileSync(new URL(f, DIR)));

  it('every recorded history replays without nondeterminism', async () => {
    const histories = files.map((f) => ({ workflowId: f, history: history(f) }));
    const failures: string[] = [];
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).to.deep.equal([]);
    expect(replayed.sort()).to.deep.equal([...files].sort());
  });

  it('fails with a DeterminismViolationError against an altered copy of the workflow (negative control)', async () => {
    // The real workflows, except that the saga's undo steps run first-registered first: a checkout
    // that gives money back would release its seats before refunding, a different command order.
    const real = fileURLToPath(new URL('../../workflows/compensations.ts', import.meta.url));
    const altered = fileURLToPath(new URL('../fixtures/altered-workflows/compensations.ts', import.meta.url));
    const bundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: silentSdkLogger,
      webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, alias: { ...config.resolve?.alias, [real]: altered } } }),
    });
    const outcome = await Worker.runReplayHistory({ workflowBundle: bundle }, history('payment-mismatched.pb')).then(
      () => 'replayed',
      (e: unknown) => e,
    );
    expect(outcome).to.be.instanceOf(DeterminismViolationError);
    // The same bundle still replays a path that gives nothing back: only the changed order is caught.
    await Worker.runReplayHistory({ workflowBundle: bundle }, history('confirmed.pb'));
  });
});
