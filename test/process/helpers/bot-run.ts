/**
 * `npm start` (and other npm scripts) as real processes, and the checks every
 * process-level test makes: the embedded worker found by its environment, a
 * clean stop (exit 0, in bounded time, no process of the run left), and no
 * secret in the output.
 */
import { expect } from 'vitest';
import { until } from '../../helpers/worker-process.ts';
import { processesWith } from './proc.ts';
import { ProcessRun, type SignalTarget, type StopResult } from './process-run.ts';

/** `npm start` running on one data folder. */
export class BotRun extends ProcessRun {
  constructor(
    name: string,
    env: Record<string, string>,
    readonly dataDir = env.STORYLOOM_DATA_DIR,
  ) {
    super(name, 'npm', ['start'], env);
  }

  /** Waits for the startup line, `storyloom is running: …`; returns it. */
  async startupLine(timeoutMs = 90_000): Promise<string> {
    return (await this.waitForOutput(/^storyloom is running: .*$/m, timeoutMs))[0];
  }

  /** Waits for the printed playground URL. */
  async playgroundUrl(timeoutMs = 90_000): Promise<string> {
    return (await this.waitForOutput(/playground: (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs))[1];
  }

  /** Pids of embedded workers (src/worker/main.ts) started on this data folder. */
  embeddedWorkers(): number[] {
    return processesWith(`STORYLOOM_DATA_DIR=${this.dataDir}`, 'src/worker/main.ts');
  }
}

/** Starts `npm start` with exactly `env` (see env.ts). */
export function npmStart(name: string, env: Record<string, string>): BotRun {
  return new BotRun(name, env);
}

/** Runs `npm run <script> -- args` to its end (at most `timeoutMs`); returns the finished run. */
export async function npmRun(script: string, args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const npmArgs = ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])];
  const run = new ProcessRun(`npm run ${script}`, 'npm', npmArgs, env);
  await run.ended(timeoutMs);
  return run;
}

/** Whether a bot left nothing behind: no embedded worker on its data folder, no process of its run. */
export function allGone(bot: BotRun): boolean {
  return bot.embeddedWorkers().length === 0 && bot.processes().length === 0;
}

/**
 * The most time a bot may take to stop (asserted). Measured stops take 50–150 ms;
 * the bound leaves room for a loaded machine, and stays under the embedded worker's
 * 10 s grace (src/worker/supervisor.ts), so a worker that only ends by SIGKILL fails it.
 */
export const STOP_BOUND_MS = 5_000;

/** How a clean stop is asked for and bounded. */
export interface StopSpec {
  signal: NodeJS.Signals;
  target: SignalTarget;
  /** The most time the stop may take (asserted); STOP_BOUND_MS by default. */
  boundMs?: number;
}

/**
 * Stops a bot and checks it stopped cleanly: exit code 0 within `boundMs`, its
 * goodbye printed, its embedded worker gone and no process of its run left.
 * Returns the measured stop.
 */
export async function stopCleanly(bot: BotRun, spec: StopSpec): Promise<StopResult> {
  expect(bot.running, `${bot.name} is still up before the stop:\n${bot.describe()}`).toBe(true);
  const boundMs = spec.boundMs ?? STOP_BOUND_MS;
  const stopped = await bot.stop(spec.signal, spec.target, Math.max(boundMs * 2, 20_000));
  console.info(`[process] ${bot.name}: ${spec.signal} to the ${spec.target} -> ${JSON.stringify(stopped)}`);
  expect({ code: stopped.code, signal: stopped.signal }, bot.describe()).toEqual({ code: 0, signal: null });
  expect(stopped.ms, `${bot.name} took ${stopped.ms} ms to stop`).toBeLessThan(boundMs);
  expect(bot.out).toMatch(/storyloom: stopping/);
  await until(() => allGone(bot), 3_000, `${bot.name}'s processes to be gone`);
  return stopped;
}

/** Checks that none of `secrets` appears in what a run printed. */
export function expectNoSecrets(run: ProcessRun, secrets: string[]): void {
  const printed = run.out + run.err;
  secrets.forEach((secret, i) => {
    // The message names the secret by its place in the list only: a failure must not print it either.
    if (secret && printed.includes(secret)) throw new Error(`${run.name} printed secret #${i} of ${secrets.length}`);
  });
}
