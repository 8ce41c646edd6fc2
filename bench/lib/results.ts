import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * One line of a benchmark's summary: what was measured beside its reference
 * from the same run, the ratio where there is one, and the target.
 */
export interface Figure {
  figure: string;
  measured: string;
  reference?: string;
  ratio?: number;
  target: string;
  /** null: reported, no target to meet. */
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  when: string;
  machine: { cpus: number; cpuModel: string | undefined; memGB: number; node: string; loadavg: number[] };
  figures: Figure[];
  [key: string]: unknown;
}

export const machine = (): BenchResult['machine'] => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGB: Math.round(os.totalmem() / 1e9),
  node: process.version,
  loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
});

export const resultPath = (file: string): string => path.join(RESULTS_DIR, file);

/** Writes bench/results/<name>.json and returns its path. */
export function writeResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = resultPath(`${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function readResult(name: string): BenchResult | undefined {
  try {
    return JSON.parse(readFileSync(resultPath(`${name}.json`), 'utf8')) as BenchResult;
  } catch {
    return undefined;
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The figures as a Markdown table (what `npm run bench` prints, and what docs/benchmarks.md records). */
export function figuresTable(rows: { bench: string; f: Figure }[]): string {
  const lines = ['| bench | figure | measured | reference (same run) | ratio | target | met |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const { bench, f } of rows) {
    const met = f.met === null ? '–' : f.met ? 'yes' : 'no';
    lines.push(`| ${bench} | ${cell(f.figure)} | ${cell(f.measured)} | ${cell(f.reference ?? '–')} | ${f.ratio ?? '–'} | ${cell(f.target)} | ${met} |`);
  }
  return lines.join('\n');
}

export const say = (line: string): void => void process.stderr.write(`${line}\n`);
