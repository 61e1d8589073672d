/**
 * Runs the embedded worker as a child process and keeps it running: at once after
 * a requested restart, and after a crash with a capped, jittered backoff. A child
 * process keeps generation off the bot's event loop, and can be killed in tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultLogger, type Logger } from '../log.ts';

// Built to JavaScript (npm run build), this file is supervisor.js: it forks main.js with plain node and the
// bot's own node options; from the source, main.ts through tsx.
const BUILT = import.meta.url.endsWith('.js');
const WORKER_MAIN = fileURLToPath(new URL(BUILT ? './main.js' : './main.ts', import.meta.url));
const WORKER_EXEC_ARGV = BUILT ? process.execArgv : ['--import', 'tsx'];

/** The exit code with which the worker's process asks for a restart (src/worker/main.ts). */
export const RESTART_EXIT_CODE = 75;

/** Keeps one embedded worker process alive. */
export class WorkerSupervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private failures = 0;
  restarts = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /** The running child's pid, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the worker's process (again). */
  start(): void {
    this.stopping = false;
    const child = fork(WORKER_MAIN, [], {
      env: this.env,
      execArgv: WORKER_EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.log.debug({ pid: child.pid }, `storyloom: started the embedded worker (pid ${child.pid})`);
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      if (code === RESTART_EXIT_CODE) {
        this.restarts++;
        this.start();
        return;
      }
      this.failures = Date.now() - startedAt > 60_000 ? 1 : this.failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** this.failures) * (0.5 + Math.random() / 2);
      const why = signal ?? `exit ${code}`;
      const again = `starting it again in ${Math.round(delay / 1000)} s`;
      this.log.error({ pid: child.pid, exit: why }, `storyloom: the embedded worker stopped (${why}); ${again}`);
      setTimeout(() => !this.stopping && this.start(), delay).unref();
    });
  }

  /** Stops the worker (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
