import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.js';

/**
 * CPU and memory of the processes under measurement, from /proc: what limits
 * a figure on a 2-core machine shared with other work is usually visible as
 * which process used the cores.
 */

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the command (which may contain spaces): utime is the 14th field, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MB (VmRSS), or undefined when it is gone. */
export function rssMB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The oldest process with exactly this name (a shared service: MariaDB, Redis), read-only. */
export function findPid(name: string): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-xo', name]).toString().trim()) || undefined;
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface CpuReport {
  seconds: number;
  /** Per process: % of one core over the interval (200 = both cores of a 2-core machine), and RSS at the end. */
  processes: Record<string, { cpuPct: number; rssMB: number | undefined }>;
  /** All cores together, % of one core; `other` is what the listed processes do not explain (other users of the machine). */
  machine: { cpuPct: number; otherPct: number; cores: number };
}

/** Starts measuring; stop() gives each process's share of the cores since then. */
export function meterCpu(pids: Record<string, number | undefined>): { stop(): CpuReport } {
  const t0 = performance.now();
  const m0 = machineTicks();
  const start = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, p === undefined ? undefined : cpuTicks(p)]));
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const m1 = machineTicks();
      const cores = os.cpus().length;
      const processes: CpuReport['processes'] = {};
      let listed = 0;
      for (const [name, pid] of Object.entries(pids)) {
        const a = start[name];
        const b = pid === undefined ? undefined : cpuTicks(pid);
        if (pid === undefined || a === undefined || b === undefined) continue;
        const pct = ((b - a) / CLK_TCK / seconds) * 100;
        listed += pct;
        processes[name] = { cpuPct: round(pct), rssMB: rssMB(pid) };
      }
      const machinePct = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100 * cores;
      return { seconds: round(seconds, 2), processes, machine: { cpuPct: round(machinePct), otherPct: round(Math.max(0, machinePct - listed)), cores } };
    },
  };
}

/** A one-line rendering: "temporal 71%, worker 64%, … (machine 190%, other 12%)". */
export const cpuLine = (r: CpuReport): string =>
  `${Object.entries(r.processes)
    .sort((a, b) => b[1].cpuPct - a[1].cpuPct)
    .map(([n, p]) => `${n} ${Math.round(p.cpuPct)}%`)
    .join(', ')} (machine ${Math.round(r.machine.cpuPct)}% of ${r.machine.cores * 100}%, other ${Math.round(r.machine.otherPct)}%)`;
