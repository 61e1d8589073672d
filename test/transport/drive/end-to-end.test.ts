/**
 * The whole flow on the Drive mailbox: core (startBot) on a DriveTransport,
 * the embedded worker in this process on another, the Drive fake between
 * them, and a tiny trained model: a /story command ends in a posted line.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { loadModel } from '../../../src/model/models.ts';
import { Worker } from '../../../src/worker/worker.ts';
import { ctx, testConfig } from '../../helpers/bot.ts';
import { quietLog } from '../../helpers/log.ts';
import { tinyModel } from '../../helpers/models.ts';
import { RecordingDelivery } from '../../helpers/recording-delivery.ts';
import { startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
let bot: Bot;
let worker: Worker;
const delivery = new RecordingDelivery();
const quiet = quietLog();
/** The bot's writes to stories/ (each one Drive call): housekeeping, reported apart from a job's calls. */
const storySaves: string[] = [];

beforeAll(async () => {
  const model = await tinyModel();
  world = await startWorld({ latencyMs: 10 });
  const config = testConfig({
    STORYLOOM_MAILBOX: 'drive',
    DRIVE_FOLDER_ID: world.folderId,
    DRIVE_API_URL: world.fake.url,
  });
  const polling = { fastMs: 100, slowMs: 1000 };
  bot = await startBot(config, world.transport('bot', { polling }), { worker: false, log: quiet });
  const put = bot.transport.put.bind(bot.transport);
  bot.transport.put = async (folder, name, content) => {
    if (folder === 'stories') storySaves.push(name);
    return put(folder, name, content);
  };
  bot.deliveries.register('test', delivery);
  await goLive(bot);
  worker = new Worker(await world.open('worker', { polling }), {
    workerId: 'embedded-drive',
    kind: 'embedded',
    mode: 'always',
    batchMax: 8,
    intervalS: 2,
    version: 'test',
    heartbeatOnBatch: false,
    loadEngine: () => loadModel(model),
    onRestart: () => undefined,
    log: quiet,
  });
  await worker.start();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await worker?.transport.close();
  await bot?.stop();
  await world?.close();
});

it('starts a story and continues it over Drive, each line posted once', async () => {
  const ann = ctx('ann');
  const started = await bot.core.start(ann, { seed: 'The lighthouse keeper climbed the stairs.' }, async (story) => ({
    thread: `thread-${story.id}`,
    message: null,
  }));
  const storyId = started.story!.id;
  const first = await delivery.waitFor(started.jobId!);
  expect('line' in first && first.line.text.length).toBeGreaterThan(0);
  await expect.poll(() => bot.stories.get(storyId).lines.every((l) => l.delivered), { timeout: 5000 }).toBe(true);
  storySaves.length = 0;
  const next = await bot.core.run(ctx('ann', { thread: `thread-${storyId}` }), 'continue', {});
  await delivery.waitFor(next.jobId!);
  await expect.poll(() => bot.stories.get(storyId).lines.every((l) => l.delivered), { timeout: 5000 }).toBe(true);
  // A continued line saves its story three times: the job begun, the line applied, the line posted.
  console.log(`storyloom: story saves per continued line on Drive: ${storySaves.length}`);
  expect(storySaves).toEqual([`${storyId}.json`, `${storyId}.json`, `${storyId}.json`]);
  expect(bot.stories.get(storyId).lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);
  expect([...delivery.deliveriesByJob().values()]).toEqual([1, 1]);
  // The story is saved in the mailbox's stories/ on Drive; delivered jobs are cleaned up.
  expect(world.fake.files().some((f) => f.name === `${storyId}.json`)).toBe(true);
  await expect
    .poll(
      () =>
        world.fake.files().filter((f) => /^[0-9A-Z]{26}\.json$/.test(f.name) && f.name !== `${storyId}.json`).length,
      { timeout: 5000 },
    )
    .toBe(0);
  // The worker's heartbeat reached the bot through Drive.
  expect(bot.workers.workers().map((w) => w.heartbeat.worker_id)).toContain('embedded-drive');
}, 60_000);
