/**
 * A command run as a real process, the way a user or a service manager runs it,
 * its output collected and its exit awaited. Each run carries a marker in its
 * environment, which every process it starts inherits (npm, node, the embedded
 * worker), so the test finds all of them, even ones reparented after their
 * parent died: to signal them all at once as a terminal's Ctrl-C does, to check
 * nothing was left behind, and to kill what was. `killAllRuns()` in an `afterAll`
 * leaves nothing running even when a test fails midway. (Runs stay in vitest's
 * process group, so a Ctrl-C on vitest reaches them too.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ROOT } from '../../helpers/python.ts';
import { processesWith, signalEach } from './proc.ts';

/** The environment variable that marks every process of one run. */
export const RUN_MARKER = 'STORYLOOM_PROCESS_TEST_RUN';

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a process ended after a stop signal, and how long that took. */
export interface StopResult extends Exit {
  ms: number;
}

/**
 * Where a stop signal goes: the started process only (`kill PID`, Docker, a process manager), or every process
 * of the run at once, as Ctrl-C in a terminal signals the whole foreground process group.
 */
export type SignalTarget = 'process' | 'group';

const runs = new Set<ProcessRun>();

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

/** One started command. */
export class ProcessRun {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `RUN_MARKER=<unique value>`: in the environment of every process of this run. */
  readonly marker = `${RUN_MARKER}=${randomBytes(8).toString('hex')}`;
  readonly exited: Promise<Exit>;
  /** Resolves once its stdout and stderr are closed: by it, and by any process it left behind holding them. */
  private readonly closed: Promise<void>;
  private stdout = '';
  private stderr = '';
  private exit: Exit | undefined;

  /** Starts `command args` in `cwd` (the repository root by default) with exactly `env`. */
  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    cwd = ROOT,
  ) {
    const marked = { ...env, [RUN_MARKER]: this.marker.slice(RUN_MARKER.length + 1) };
    this.child = spawn(command, args, { cwd, env: marked, stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new Error(`${name}: ${command} did not start`);
    this.pid = this.child.pid;
    runs.add(this);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
  }

  /** What it printed on stdout so far. */
  get out(): string {
    return this.stdout;
  }

  /** What it printed on stderr so far. */
  get err(): string {
    return this.stderr;
  }

  /** Whether it is still running. */
  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Both outputs, labelled, for failure messages. */
  describe(): string {
    return (
      `${this.name} (pid ${this.pid}${this.running ? ', running' : `, ended ${JSON.stringify(this.exit)}`})\n` +
      `--- stdout ---\n${this.stdout.slice(-3000)}\n--- stderr ---\n${this.stderr.slice(-3000)}`
    );
  }

  /** Waits for a pattern on stdout or stderr; fails at once if the process ends first. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, stream: 'out' | 'err' = 'out'): Promise<RegExpExecArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(stream === 'out' ? this.stdout : this.stderr);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} ended before printing ${pattern}:\n${this.describe()}`);
      if (Date.now() > end) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.describe()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for it to end on its own, at most `timeoutMs`, then (briefly) for the rest of its output. */
  async ended(timeoutMs: number): Promise<Exit> {
    const result = await Promise.race([this.exited, delay(timeoutMs, 'late' as const)]);
    if (result === 'late') throw new Error(`${this.name} still running after ${timeoutMs} ms:\n${this.describe()}`);
    // Its output pipes close when it ends, unless something it started still holds them (checked by the callers).
    await Promise.race([this.closed, delay(1_000, undefined)]);
    return result;
  }

  /** Pids of every live process of this run: the command and all it started, wherever they ended up. */
  processes(): number[] {
    return processesWith(this.marker);
  }

  /** Sends `signal` and measures how long it takes to end; SIGKILLs everything and fails after `timeoutMs`. */
  async stop(signal: NodeJS.Signals, target: SignalTarget, timeoutMs = 20_000): Promise<StopResult> {
    const started = performance.now();
    const exitedAt = this.exited.then(() => performance.now());
    if (target === 'group') signalEach(this.processes(), signal);
    else process.kill(this.pid, signal);
    try {
      const exit = await this.ended(timeoutMs);
      return { ...exit, ms: Math.round((await exitedAt) - started) };
    } catch (error) {
      this.kill();
      throw error;
    }
  }

  /** SIGKILLs every process of this run that is still there; a no-op once all are gone. */
  kill(): void {
    // Twice: a supervisor killed in the first pass may have forked a new worker just before.
    for (let pass = 0; pass < 2; pass++) signalEach(this.processes(), 'SIGKILL');
  }
}

/** Starts a command as a {@link ProcessRun}. */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string>): ProcessRun {
  return new ProcessRun(name, command, args, env);
}

/** SIGKILLs every process of every run this file started: call it in `afterAll`. */
export function killAllRuns(): void {
  for (const run of runs) run.kill();
  runs.clear();
}
