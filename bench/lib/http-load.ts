import http from 'node:http';
import { round, summarize, type Summary } from './stats.js';

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
  latency: Summary;
}

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

  return {
    requests: latencies.length,
    errors,
    statuses,
    durationS: round(elapsedS, 2),
    rps: Math.round(latencies.length / elapsedS),
    latency: summarize(latencies),
  };
}
