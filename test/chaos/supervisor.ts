import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';

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

/** Signals a process's whole group (what proc_spawn and respawn started leads one). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  process.kill(-pid, signal);
}
