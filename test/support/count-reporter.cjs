// Spec output for people, plus one JSON line of counts per run for scripts/test to sum.
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_BEGIN } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let written = false;
    let current = null;
    const write = (extra = {}) => {
      const file = process.env.TEST_COUNTS_FILE;
      if (written || !file) return;
      written = true;
      const s = runner.stats ?? {};
      const line = { suite: process.env.TEST_SUITE ?? 'mocha', passed: s.passes ?? 0, failed: s.failures ?? 0, skipped: s.pending ?? 0, ...extra };
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    };
    runner.on(EVENT_TEST_BEGIN, (test) => {
      current = test.fullTitle();
    });
    runner.once(EVENT_RUN_END, () => write());
    // scripts/test stops a step that outlives its time limit with SIGTERM: keep what already ran, and
    // count the test that was running as failed, naming it.
    process.once('SIGTERM', () => {
      const s = runner.stats ?? {};
      write({ failed: (s.failures ?? 0) + 1, stopped: current ?? '(between tests)' });
      process.stderr.write(`\nstopped by SIGTERM while running: ${current ?? '(between tests)'}\n`);
      process.exit(143);
    });
  }
}

module.exports = CountReporter;
