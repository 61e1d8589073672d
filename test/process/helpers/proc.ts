/** Finding processes by their environment in /proc (Linux), so a test finds only what it started. */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of live processes whose environment holds `envEntry` (`KEY=value`), and,
 * when given, whose command line contains `commandPart`. Processes of other users
 * and zombies (whose environment reads empty) never match.
 */
export function processesWith(envEntry: string, commandPart?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (commandPart !== undefined && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(commandPart)) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(envEntry)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Sends `signal` to each pid; one that is already gone is skipped. */
export function signalEach(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: it ended meanwhile.
    }
  }
}
