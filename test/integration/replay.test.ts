import { readdirSync, readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
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

  it('has recorded histories of every checkout path', () => {
    expect(files).to.include.members([
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
    ]);
  });

  it('every recorded history replays without nondeterminism', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: proto.temporal.api.history.v1.History.decode(readFileSync(new URL(f, DIR))),
    }));
    const failures: string[] = [];
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).to.deep.equal([]);
    expect(replayed.sort()).to.deep.equal([...files].sort());
  });
});
