/**
 * The embedded worker's process: `node --import tsx src/engine/worker-main.ts`.
 * It reads the same configuration as the bot, opens the mailbox, and runs the
 * worker until SIGTERM, or until its parent's IPC channel closes (the parent is
 * gone). A `restart` control exits with RESTART_EXIT_CODE, and the supervisor
 * (src/engine/supervisor.ts) starts it again with fresh code and model.
 */
import { loadConfig } from '../config.ts';
import { makeTransport } from '../transport/factory.ts';
import { Engine } from './engine.ts';
import { resolveModel } from './models.ts';
import { EmbeddedWorker } from './worker.ts';
import pkg from '../../package.json' with { type: 'json' };
import { reasonOf } from '../log-text.ts';

/** The exit code that asks the supervisor for a restart. */
export const RESTART_EXIT_CODE = 75;

async function main(): Promise<void> {
  let stopping: (() => void) | undefined;
  // Forked with an IPC channel (the supervisor): when the parent goes, its channel closes, and so do we.
  if (process.send) process.once('disconnect', () => (stopping ? stopping() : process.exit(0)));
  const config = await loadConfig();
  const transport = await makeTransport(config, 'worker');
  await transport.open();
  const log = (message: string) => console.error(message);
  const worker = new EmbeddedWorker(transport, {
    workerId: config.STORYLOOM_WORKER_ID, kind: 'embedded', version: pkg.version,
    mode: config.STORYLOOM_LOCAL_WORKER === 'always' ? 'always' : 'auto',
    batchMax: config.STORYLOOM_WORKER_BATCH, intervalS: config.STORYLOOM_HEARTBEAT_S,
    heartbeatOnBatch: transport.kind === 'local',
    loadEngine: (model) => Engine.load(resolveModel(model ?? config.STORYLOOM_MODEL), config.STORYLOOM_WORKER_BATCH),
    onRestart: () => void transport.close().finally(() => process.exit(RESTART_EXIT_CODE)),
    log,
  });
  const shutdown = () => {
    void worker.stop().then(() => transport.close()).finally(() => process.exit(0));
  };
  stopping = shutdown;
  if (process.send && !process.connected) return shutdown();
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await worker.start();
  log(`storyloom worker ${config.STORYLOOM_WORKER_ID}: ${worker.engine ? `model ${worker.engine.info.name}` : worker.message}, mailbox ${transport.description}`);
}

main().catch((error: Error) => {
  console.error(`storyloom worker: ${reasonOf(error)}`);
  process.exit(1);
});
