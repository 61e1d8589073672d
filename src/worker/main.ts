/**
 * The embedded worker's process: `node --import tsx src/worker/main.ts` (the twin of
 * `python -m colab.worker`). It reads the same configuration as the bot, opens the mailbox,
 * and runs the worker until SIGTERM, or until its parent's IPC channel closes (the parent is
 * gone). A `restart` control exits with RESTART_EXIT_CODE, and the supervisor
 * (src/worker/supervisor.ts) starts it again with fresh code and model.
 */
import pkg from '../../package.json' with { type: 'json' };
import { loadConfig } from '../config.ts';
import { reasonOf } from '../log-text.ts';
import { loggerFor, startupLogger, WORKER_NAME, type Logger } from '../log.ts';
import { loadModel } from '../model/models.ts';
import { makeTransport } from '../transport/factory.ts';
import { RESTART_EXIT_CODE } from './supervisor.ts';
import { Worker } from './worker.ts';

let log: Logger | undefined;

async function main(): Promise<void> {
  let stopping: (() => void) | undefined;
  // Forked with an IPC channel (the supervisor): when the parent goes, its channel closes, and so do we.
  if (process.send) process.once('disconnect', () => (stopping ? stopping() : process.exit(0)));
  const config = await loadConfig();
  const logger = loggerFor(config, WORKER_NAME);
  log = logger;
  const transport = await makeTransport(config, 'worker', logger);
  await transport.open();
  const worker = new Worker(transport, {
    workerId: config.STORYLOOM_WORKER_ID,
    kind: 'embedded',
    version: pkg.version,
    mode: config.STORYLOOM_LOCAL_WORKER === 'always' ? 'always' : 'auto',
    batchMax: config.STORYLOOM_WORKER_BATCH,
    intervalS: config.STORYLOOM_HEARTBEAT_S,
    heartbeatOnBatch: transport.kind === 'local',
    loadEngine: (model) => loadModel(model ?? config.STORYLOOM_MODEL, config.STORYLOOM_WORKER_BATCH),
    onRestart: () => void transport.close().finally(() => process.exit(RESTART_EXIT_CODE)),
    log: logger,
  });
  const shutdown = () => {
    void worker
      .stop()
      .then(() => transport.close())
      .finally(() => process.exit(0));
  };
  stopping = shutdown;
  if (process.send && !process.connected) return shutdown();
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await worker.start();
  const model = worker.engine ? `model ${worker.engine.info.name}` : worker.message;
  const id = config.STORYLOOM_WORKER_ID;
  const fields = { worker_id: id, model: worker.engine?.info.name ?? null, mailbox: transport.description };
  logger.info(fields, `storyloom worker ${id}: ${model}, mailbox ${transport.description}`);
}

main().catch((error: Error) => {
  (log ?? startupLogger(WORKER_NAME)).fatal({ error: reasonOf(error) }, `storyloom worker: ${reasonOf(error)}`);
  process.exit(1);
});
