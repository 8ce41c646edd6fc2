/**
 * What the Temporal dev server's storage costs: the least-work checkout shape
 * (bench/ceiling/) at CLIENTS clients on three dev servers started one after
 * another by scripts/lib/temporal.sh's own temporal_start_dev:
 *   file     SQLite file with SQLite's default settings (scripts/stack before issue 17)
 *   wal      SQLite file with MQ_TEMPORAL_SQLITE_PRAGMAS (WAL, synchronous=normal: scripts/stack now)
 *   memory   in memory (scripts/test; loses everything when the process dies)
 * Writes bench/results/temporal-storage.json.
 *
 *   npx tsx bench/temporal-storage.ts
 * Env: CLIENTS (32), PHASE_SECONDS (15), WARMUP_S (3).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitGone } from '../test/support/processes.js';
import { startLeastWork } from './ceiling/driver.js';
import { closedLoop, type ClosedLoopResult } from './lib/loops.js';
import { cpuLine, meterCpu, type CpuReport } from './lib/processes.js';
import { machine, say, writeResult, type Figure } from './lib/results.js';
import { round } from './lib/stats.js';
import { envNumber } from './lib/settings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = envNumber('CLIENTS', 32);
const SECONDS = envNumber('PHASE_SECONDS', 15);
const WARMUP_S = envNumber('WARMUP_S', 3);

type Variant = 'file' | 'wal' | 'memory';
const VARIANTS: { name: Variant; about: string }[] = [
  { name: 'file', about: 'SQLite file, default settings' },
  { name: 'wal', about: 'SQLite file, WAL + synchronous=normal (scripts/stack)' },
  { name: 'memory', about: 'in memory (scripts/test)' },
];

/** Starts a dev server the way scripts/stack does (its shell library), headless; resolves with its pid. */
function startServer(variant: Variant, dir: string, port: number): Promise<number> {
  const script = `
    set -euo pipefail
    source scripts/lib/tools.sh
    source scripts/lib/temporal.sh
    ensure_tools
    if [[ "$VARIANT" == file ]]; then MQ_TEMPORAL_SQLITE_PRAGMAS=(); fi
    db=(); if [[ "$VARIANT" != memory ]]; then db=("$DIR/temporal.db"); fi
    temporal_start_dev "$DIR/temporal.pid" "$DIR/temporal.log" 127.0.0.1 "$PORT" headless default "\${db[@]}"`;
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, VARIANT: variant, DIR: dir, PORT: String(port) } }, (err, _out, stderr) => {
      if (err) reject(new Error(`temporal_start_dev (${variant}) failed: ${stderr}`));
      else resolve(Number(readFileSync(path.join(dir, 'temporal.pid'), 'utf8').trim()));
    });
  });
}

async function stopServer(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(pid))) process.kill(pid, 'SIGKILL');
}

const phases: { name: Variant; about: string; loop: ClosedLoopResult; cpu: CpuReport }[] = [];
for (const v of VARIANTS) {
  const dir = mkdtempSync(path.join(tmpdir(), `marquee-temporal-${v.name}-`));
  const port = await freePort();
  const pid = await startServer(v.name, dir, port);
  try {
    const leastWork = await startLeastWork(`127.0.0.1:${port}`);
    try {
      const meter = meterCpu({ temporal: pid, 'least-work-worker': leastWork.worker.child.pid, bench: process.pid });
      const loop = await closedLoop({ clients: CLIENTS, warmupS: WARMUP_S, durationS: SECONDS, op: () => leastWork.checkout() });
      const cpu = meter.stop();
      say(`${v.about}: ${loop.perSecond}/s, hold p50 ${loop.latency.hold?.p50} ms p99 ${loop.latency.hold?.p99} ms (${loop.failed} failed)`);
      say(`  cpu: ${cpuLine(cpu)}`);
      phases.push({ ...v, loop, cpu });
    } finally {
      await leastWork.close();
    }
  } finally {
    await stopServer(pid);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (n: Variant) => phases.find((p) => p.name === n)!.loop.perSecond;
const figures: Figure[] = [
  {
    figure: `least-work checkouts/s, ${CLIENTS} clients, on a file-backed dev server with WAL + synchronous=normal`,
    measured: `${rate('wal')}/s`,
    reference: `default SQLite settings ${rate('file')}/s; in memory ${rate('memory')}/s`,
    ratio: round(rate('wal') / rate('file'), 2),
    target: 'reported (the issue measured 37.5/s against 19.8/s)',
    met: null,
  },
];
const file = writeResult({ name: 'temporal-storage', when: new Date().toISOString(), machine: machine(), figures, settings: { clients: CLIENTS, seconds: SECONDS, warmupS: WARMUP_S }, phases });
say(`wrote ${file}`);
