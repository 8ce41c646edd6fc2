import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/**
 * A closed-loop HTTP load generator on node:http keep-alive sockets: each of
 * `connections` workers sends its next request as soon as the previous
 * answer is fully read. Latency is measured per request, from send to last
 * byte; only traffic to the given base URL (a local stack) is generated.
 */
export interface LoadOptions {
  baseUrl: string;
  path: string;
  connections: number;
  durationS: number;
  /** Requests before measuring starts (not counted). */
  warmupS?: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  durationS: number;
  rps: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.path, o.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let measuring = false;
  let stopped = false;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', agent, headers: o.headers },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (measuring) {
              latencies.push(performance.now() - started);
              statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
              if ((res.statusCode ?? 0) >= 400) errors++;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        if (measuring) errors++;
        resolve();
      });
      req.end();
    });

  const worker = async (): Promise<void> => {
    while (!stopped) await once();
  };
  const workers = Array.from({ length: o.connections }, worker);
  await new Promise((r) => setTimeout(r, (o.warmupS ?? 2) * 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.durationS * 1000));
  measuring = false;
  const elapsedS = (performance.now() - t0) / 1000;
  stopped = true;
  await Promise.all(workers);
  agent.destroy();

  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length,
    errors,
    statuses,
    durationS: round(elapsedS),
    rps: Math.round(latencies.length / elapsedS),
    latency: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
      mean: round(latencies.length ? sum / latencies.length : 0),
    },
  };
}

/** Writes bench/results/<name>.json (relative to the bench folder) and returns its path. */
export function writeResult(benchDir: string, name: string, result: object): string {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
