/** A bot and an in-process embedded worker on a temporary local mailbox, for core-level tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot, goLive, type Bot } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import type { CommandContext } from '../../src/core/types.ts';
import { silentLogger } from '../../src/log.ts';
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import type { WorkerOptions } from '../../src/worker/options.ts';
import { Worker } from '../../src/worker/worker.ts';
import { LocalFolderTransport } from '../../src/transport/local.ts';
import { RecordingDelivery } from './recording-delivery.ts';

const quiet = silentLogger();

/** A fresh data folder and a configuration for it. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-bot-'));
  return parseConfig({
    STORYLOOM_DATA_DIR: dir,
    STORYLOOM_COOLDOWN_S: '0',
    STORYLOOM_LOCAL_WORKER: 'off',
    STORYLOOM_WORKER_ID: 'embedded-test',
    ...overrides,
  });
}

/** A transport on the test mailbox, polling fast. */
export function testTransport(config: Config): LocalFolderTransport {
  return new LocalFolderTransport(join(config.STORYLOOM_DATA_DIR, 'mailbox'), { idleMs: 100, urgentMs: 25 });
}

/** The bot side, with a recording delivery for the 'test' platform. */
export async function startTestBot(config: Config): Promise<{ bot: Bot; delivery: RecordingDelivery }> {
  const bot = await startBot(config, testTransport(config), { worker: false, log: quiet });
  const delivery = new RecordingDelivery();
  bot.deliveries.register('test', delivery);
  await goLive(bot);
  return { bot, delivery };
}

const engines = new Map<string, Promise<Engine>>();

/** An embedded worker running in this process, on its own transport. */
export async function startTestWorker(
  config: Config,
  model: string,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  const transport = testTransport(config);
  await transport.open();
  if (!engines.has(model)) engines.set(model, loadModel(model));
  const worker = new Worker(transport, {
    workerId: 'embedded-test',
    kind: 'embedded',
    mode: 'always',
    batchMax: 16,
    intervalS: 1,
    version: 'test',
    heartbeatOnBatch: true,
    loadEngine: () => engines.get(model)!,
    onRestart: () => undefined,
    log: quiet,
    ...options,
  });
  await worker.start();
  return worker;
}

/** A command context for a test user. */
export function ctx(
  id: string,
  overrides: Partial<CommandContext['place']> & { admin?: boolean } = {},
): CommandContext {
  const { admin = false, ...place } = overrides;
  const person = { id, name: id[0].toUpperCase() + id.slice(1) };
  return { person, admin, place: { platform: 'test', channel: 'c1', thread: null, ...place } };
}
