/**
 * `npm run worker`: the embedded CPU worker on its own, supervised (restarted after
 * a `restart` control or a crash), with the bot's configuration (.env). Useful on a
 * second machine that shares the mailbox, or with STORYLOOM_LOCAL_WORKER=off in the bot.
 * Runs until SIGINT or SIGTERM, then stops the worker and exits 0.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { loggerFor, WORKER_NAME } from '../log.ts';
import { WorkerSupervisor } from '../worker/supervisor.ts';
import { runCli } from './run.ts';

const USAGE = 'usage: npm run worker';

/** Runs the supervised worker until a signal; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const supervisor = new WorkerSupervisor(process.env, loggerFor(await loadConfig(), WORKER_NAME));
  supervisor.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await supervisor.stop();
  return 0;
}

runCli(import.meta.url, { name: 'worker', usage: USAGE, main });
