import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { isAlive } from '../support/processes.js';

/**
 * What an operator's supervisor (systemd's Restart=, a container runtime)
 * does for the processes `scripts/stack` started: remember how a process was
 * started, and start it again the same way after it died. The recipe is read
 * from /proc while it runs, so nothing here repeats the stack's command lines.
 */
export interface ProcessRecipe {
  exe: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Where its stdout went (the stack's log file); the restart appends to it. */
  log: string;
}

export function recipeOf(pid: number): ProcessRecipe {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { exe: readlinkSync(`/proc/${pid}/exe`), argv, env, cwd: readlinkSync(`/proc/${pid}/cwd`), log: readlinkSync(`/proc/${pid}/fd/1`) };
}

/**
 * Starts the recipe as the leader of its own process group (as proc_spawn
 * does, so `scripts/stack down` and `status` recognise it) and records its pid
 * in `pidFile`.
 */
export function respawn(recipe: ProcessRecipe, pidFile: string): number {
  const out = openSync(recipe.log, 'a');
  try {
    const child = spawn(recipe.exe, recipe.argv.slice(1), { argv0: recipe.argv[0], cwd: recipe.cwd, env: recipe.env, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${recipe.argv.join(' ')}`);
    writeFileSync(pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Enough of a log to show why its process exited: a stack trace, or the last errors it logged. */
const UNPLANNED_LOG_LINES = 20;

function lastLinesOf(file: string, n: number): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n);
  } catch {
    return [];
  }
}

/** Signals a process's whole group (what proc_spawn and respawn started leads one). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  process.kill(-pid, signal);
}

/**
 * Keeps the stack's processes running as `restart: unless-stopped` does in
 * docker-compose.yml: every second it looks at each one, and one that is not
 * running is started again from the recipe it was first started with, after
 * `delayMs()`. It restarts what the fault injector kills, and also a process
 * that exited by itself (e.g. one that could not reach MariaDB while it
 * started): those are listed in `unplanned`.
 */
export class Supervisor<Name extends string = string> {
  /** `lastLines`: what a process that died by itself wrote last, read before its restart appends to the same log (none for a planned death). */
  readonly restarts: { name: Name; atMs: number; planned: boolean; lastLines: string[] }[] = [];
  private readonly recipes = new Map<Name, ProcessRecipe>();
  private readonly expected = new Set<Name>();
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = Date.now();

  constructor(
    private readonly names: readonly Name[],
    private readonly pidOf: (name: Name) => number | undefined,
    private readonly pidFileOf: (name: Name) => string,
    private readonly delayMs: () => number,
  ) {}

  start(): void {
    for (const name of this.names) {
      const pid = this.pidOf(name);
      if (!pid) throw new Error(`${name} is not running: nothing to supervise`);
      this.recipes.set(name, recipeOf(pid));
    }
    const look = async (): Promise<void> => {
      for (const name of this.names) {
        const pid = this.pidOf(name);
        if (pid && isAlive(pid)) continue;
        await new Promise((r) => setTimeout(r, this.delayMs()));
        if (!this.timer) return;
        const recipe = this.recipes.get(name)!;
        const planned = this.expected.delete(name);
        const lastLines = planned ? [] : lastLinesOf(recipe.log, UNPLANNED_LOG_LINES);
        respawn(recipe, this.pidFileOf(name));
        this.restarts.push({ name, atMs: Date.now() - this.t0, planned, lastLines });
      }
      if (this.timer) this.timer = setTimeout(() => void look(), 1000);
    };
    this.timer = setTimeout(() => void look(), 1000);
  }

  /** The next death of `name` is the fault injector's doing. */
  expectDeath(name: Name): void {
    this.expected.add(name);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get unplanned(): { name: Name; atMs: number; lastLines: string[] }[] {
    return this.restarts.filter((r) => !r.planned).map(({ name, atMs, lastLines }) => ({ name, atMs, lastLines }));
  }
}
