// Spec output for people, plus one JSON line of counts per run for scripts/test to sum.
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TEST_COUNTS_FILE;
      if (!file) return;
      const s = runner.stats ?? {};
      const line = { suite: process.env.TEST_SUITE ?? 'mocha', passed: s.passes ?? 0, failed: s.failures ?? 0, skipped: s.pending ?? 0 };
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    });
  }
}

module.exports = CountReporter;
