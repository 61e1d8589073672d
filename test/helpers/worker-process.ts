/** The embedded worker as a real child process, for tests that kill it. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src/config.ts';
import type { Heartbeat } from '../../src/jobs/protocol.ts';
import { ROOT } from './python.ts';

/** Starts `src/worker/main.ts` on the config's local mailbox. */
export function forkWorker(config: Config, model: string, env: Record<string, string> = {}): ChildProcess {
  return fork(join(ROOT, 'src/worker/main.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {
      ...process.env,
      STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR,
      STORYLOOM_MODEL: model,
      STORYLOOM_LOCAL_WORKER: 'always',
      STORYLOOM_WORKER_ID: 'embedded-child',
      STORYLOOM_HEARTBEAT_S: '1',
      STORYLOOM_WORKER_BATCH: '4',
      ...env,
    },
  });
}

/** The child's heartbeat as last written, if any. */
export function readHeartbeat(config: Config, workerId = 'embedded-child'): Heartbeat | null {
  try {
    return JSON.parse(
      readFileSync(join(config.STORYLOOM_DATA_DIR, 'mailbox/workers', `${workerId}.json`), 'utf8'),
    ) as Heartbeat;
  } catch {
    return null;
  }
}

/** Waits for `check` to hold, polling every 20 ms. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Kills a child with SIGKILL and waits for it to be gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
