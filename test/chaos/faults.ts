import { Connection } from '@temporalio/client';
import { isAlive, waitGone } from '../support/processes.js';
import type { StackProcess } from '../support/stack.js';
import type { Rng } from './rng.js';
import { API_NODES, apiLive, WORKERS, workerReady, type ChaosStack } from './stack.js';
import { signalGroup, type Supervisor } from './supervisor.js';

/**
 * The fault injector: at random times it kills (SIGKILL) or freezes
 * (SIGSTOP, later SIGCONT) a worker, an API node or Temporal, restarts
 * MariaDB or Redis, or takes localstripe off the network, and then restores
 * what it broke as an operator would: a killed process is started again by
 * the supervisor (./supervisor.ts), the way it was started. Every kind comes
 * once in each round of FAULT_KINDS (shuffled), so a run of a minute or more
 * covers them all.
 */

export const FAULT_KINDS = [
  'worker-kill',
  'worker-stop',
  'api-kill',
  'api-stop',
  'temporal-kill',
  'temporal-stop',
  'mariadb-restart',
  'redis-restart',
  'localstripe-down',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  /** When it was injected, ms after the run started. */
  atMs: number;
  /** How long the target was down (killed, frozen or off the network) before it was restored. */
  downMs: number;
  /** From the restore until the target answered again; null if it never did. */
  recoveryMs: number | null;
  error?: string;
}

/** When each fault starts (ms after the run started), in rounds of every kind; none in the first and last few seconds. */
export function planFaults(durationS: number, rng: Rng): { kind: FaultKind; atMs: number }[] {
  const warmupS = Math.min(8, durationS * 0.1);
  const span = durationS - warmupS - Math.min(10, durationS * 0.1);
  const count = Math.max(FAULT_KINDS.length, Math.round(span / 20));
  const kinds: FaultKind[] = [];
  while (kinds.length < count) kinds.push(...rng.shuffle([...FAULT_KINDS]));
  const slot = span / count;
  return kinds.slice(0, count).map((kind, i) => ({ kind, atMs: Math.round((warmupS + slot * (i + rng.between(0, 0.5))) * 1000) }));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` until it holds; answers how long that took, or null after `timeoutMs`. */
export async function timeUntil(ok: () => Promise<boolean>, timeoutMs = 120_000): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await ok().catch(() => false)) return Date.now() - t0;
    await sleep(200);
  }
  return null;
}

export async function temporalUp(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** How each kind breaks its target and what says the target is back. */
export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private readonly recoveries: Promise<void>[] = [];
  private readonly t0 = Date.now();

  constructor(
    private readonly stack: ChaosStack,
    private readonly supervisor: Supervisor<StackProcess>,
    private readonly rng: Rng,
  ) {}

  /** Runs the plan, each fault after the one before has been restored; stops early when `stopped()` says so. */
  async run(plan: { kind: FaultKind; atMs: number }[], stopped: () => boolean): Promise<void> {
    for (const { kind, atMs } of plan) {
      while (!stopped() && Date.now() - this.t0 < atMs) await sleep(100);
      if (stopped()) break;
      await this.inject(kind);
    }
  }

  /** Waits for every restored target to answer again. */
  async settled(): Promise<FaultRecord[]> {
    await Promise.all(this.recoveries);
    return this.records;
  }

  private ready(name: StackProcess): Promise<boolean> {
    if (name === 'temporal') return temporalUp(this.stack.config.TEMPORAL_ADDRESS);
    if (WORKERS.includes(name)) return workerReady(this.stack, name);
    return apiLive(this.stack.urls[API_NODES.indexOf(name)]!);
  }

  /** A process of the kind that runs and answers now (the other may still be coming back from a fault). */
  private async pick(names: StackProcess[]): Promise<{ name: StackProcess; pid: number }> {
    for (;;) {
      for (const name of this.rng.shuffle([...names])) {
        const pid = this.stack.app.pid(name);
        if (pid && isAlive(pid) && (await this.ready(name).catch(() => false))) return { name, pid };
      }
      await sleep(500);
    }
  }

  private async inject(kind: FaultKind): Promise<void> {
    const atMs = Date.now() - this.t0;
    const record: FaultRecord = { kind, target: '', atMs, downMs: 0, recoveryMs: null };
    this.records.push(record);
    // A frozen process stays frozen 2–10 s; Stripe stays unreachable 3–25 s, sometimes past a hold's 20 s budget for reaching it.
    const down = this.rng.between(2000, 10_000);
    let restored: () => Promise<boolean> = async () => true;
    try {
      switch (kind) {
        case 'worker-kill':
        case 'api-kill':
        case 'temporal-kill': {
          const { name, pid } = await this.pick(kind === 'worker-kill' ? WORKERS : kind === 'api-kill' ? API_NODES : ['temporal']);
          record.target = name;
          const t = Date.now();
          this.supervisor.expectDeath(name);
          signalGroup(pid, 'SIGKILL');
          await waitGone(pid);
          // The supervisor notices and starts it again a moment later.
          while (this.stack.app.pid(name) === pid || !isAlive(this.stack.app.pid(name) ?? pid)) await sleep(100);
          record.downMs = Date.now() - t;
          restored = () => this.ready(name);
          break;
        }
        case 'worker-stop':
        case 'api-stop':
        case 'temporal-stop': {
          const { name, pid } = await this.pick(kind === 'worker-stop' ? WORKERS : kind === 'api-stop' ? API_NODES : ['temporal']);
          record.target = name;
          const t = Date.now();
          signalGroup(pid, 'SIGSTOP');
          try {
            await sleep(down);
          } finally {
            signalGroup(pid, 'SIGCONT');
          }
          record.downMs = Date.now() - t;
          restored = () => this.ready(name);
          break;
        }
        case 'mariadb-restart':
        case 'redis-restart': {
          const service = kind === 'mariadb-restart' ? this.stack.mariadb : this.stack.redis;
          record.target = kind === 'mariadb-restart' ? 'mariadb' : 'redis';
          const t = Date.now();
          await service.kill();
          await sleep(this.rng.between(1000, 3000));
          record.downMs = Date.now() - t;
          const r0 = Date.now();
          await service.start();
          record.recoveryMs = Date.now() - r0;
          return;
        }
        case 'localstripe-down': {
          record.target = 'localstripe';
          const t = Date.now();
          await this.stack.relay.down();
          await sleep(this.rng.between(3000, 25_000));
          await this.stack.relay.up();
          record.downMs = Date.now() - t;
          restored = async () => (await fetch(`${this.stack.relay.url}/v1/payment_intents?limit=1`, { headers: { authorization: 'Bearer sk_test_x' } })).ok;
          break;
        }
      }
    } catch (e) {
      record.error = String(e);
      return;
    }
    this.recoveries.push(
      timeUntil(restored).then((ms) => {
        record.recoveryMs = ms;
      }),
    );
  }
}
