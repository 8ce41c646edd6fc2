/** A numeric setting from the environment (benchmarks are tuned by env: short runs while developing). */
export function envNumber(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0 (got ${JSON.stringify(raw)})`);
  return n;
}
