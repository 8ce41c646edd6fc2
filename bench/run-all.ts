/**
 * `npm run bench` (or `npm run bench -- ceiling seatmap` for some of them):
 * every benchmark, one after another, then a summary of their figures.
 *
 * ceiling, contention, latency, seatmap and fanout share one private
 * `API_NODES=2 scripts/stack` (HOLD_TTL_SECONDS=3600, so no hold left open by
 * one benchmark expires in the middle of the next), in that order: the
 * headline ratio first on a fresh server, reads and sockets last. Then
 * temporal-storage (dev servers of its own) and expiry (a stack of its own: it
 * restarts the worker). Each benchmark is its
 * own process and writes bench/results/<name>.json; the summary goes to
 * stdout and bench/results/summary.md.
 */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { privateStack } from '../test/support/stack.js';
import { BENCH_STACK_ENV } from './lib/stack.js';
import { figuresTable, readResult, resultPath, say, type Figure } from './lib/results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = ['ceiling', 'contention', 'latency', 'seatmap', 'fanout'];
const OWN_STACK = ['temporal-storage', 'expiry'];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((b) => ![...SHARED, ...OWN_STACK].includes(b));
if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${[...SHARED, ...OWN_STACK].join(', ')}`);
const pick = (list: string[]) => list.filter((b) => wanted.length === 0 || wanted.includes(b));

const runs: { bench: string; code: number | null; seconds: number; startedAt: number }[] = [];

function runBench(bench: string, env: Record<string, string | undefined>): Promise<void> {
  const startedAt = Date.now();
  say(`\n==> bench/${bench}.ts`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${bench}.ts`], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => {
      runs.push({ bench, code, seconds: Math.round((Date.now() - startedAt) / 1000), startedAt });
      resolve();
    });
  });
}

const { BASE_URL: _url, BASE_URLS: _urls, ...inherited } = process.env;
const shared = pick(SHARED);
if (shared.length) {
  const stack = await privateStack({ name: 'bench', apiNodes: 2, env: { ...BENCH_STACK_ENV, HOLD_TTL_SECONDS: '3600' } });
  try {
    say(`starting a private stack (API_NODES=2) in ${stack.stackDir}`);
    await stack.up();
    for (const bench of shared) await runBench(bench, { ...inherited, ...stack.env, BASE_URLS: stack.urls.join(',') });
  } finally {
    await stack.destroy();
  }
}
for (const bench of pick(OWN_STACK)) await runBench(bench, inherited);

// ---- summary: figures of the benchmarks that ran now and wrote their result
const rows: { bench: string; f: Figure }[] = [];
const problems: string[] = [];
for (const r of runs) {
  const written = statSync(resultPath(`${r.bench}.json`), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const result = written >= r.startedAt ? readResult(r.bench) : undefined;
  if (r.code !== 0 || !result) {
    problems.push(`${r.bench}: exit ${r.code}${result ? '' : ', no result written'}`);
    continue;
  }
  for (const f of result.figures) rows.push({ bench: r.bench, f });
}
const summary = [
  `Benchmarks of ${new Date().toISOString()} (${runs.map((r) => `${r.bench} ${r.seconds} s`).join(', ')})`,
  '',
  figuresTable(rows),
  ...(problems.length ? ['', `Did not finish: ${problems.join('; ')}`] : []),
  '',
].join('\n');
writeFileSync(resultPath('summary.md'), summary);
process.stdout.write(`\n${summary}`);
process.exit(problems.length ? 1 : 0);
