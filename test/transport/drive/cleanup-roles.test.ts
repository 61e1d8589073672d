/**
 * Cleanup with the roles Google documents, against the fake: Content managers
 * (fileOrganizer) in a Shared Drive trash what they are done with; a Contributor
 * (writer) may not, so its files are given up on once, logged once, never tried
 * again (not after a restart either), and /status tells admins; in My Drive with
 * two accounts, a file of the other account is refused both ways.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { Housekeeper } from '../../../src/transport/drive/housekeeping.ts';
import { ctx, testConfig } from '../../helpers/bot.ts';
import { quietLog, testLog } from '../../helpers/log.ts';
import { RecordingDelivery } from '../../helpers/recording-delivery.ts';
import { InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { startTwoAccountWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
let folderIds: Record<string, string> = {};
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await world?.close();
});

const polling = { fastMs: 50, slowMs: 250 };
const jsonIn = (folder: string) =>
  world.fake.files().filter((f) => f.parents.includes(folderIds[folder]) && f.name.endsWith('.json'));
const calls = (label: string) => world.fake.counts().byPrincipal[label]?.calls ?? {};

/** The mailbox's subfolder ids, by name, read from the fake. */
function subfolderIds(): Record<string, string> {
  const children = world.fake.files().filter((f) => f.parents.includes(world.folderId));
  return Object.fromEntries(children.map((f) => [f.name, f.id]));
}

/** A bot on core (startBot) over the `bot` account's transport, with an instant worker on the `worker` account. */
async function startCoreBot(logs: string[]): Promise<{ bot: Bot; delivery: RecordingDelivery }> {
  const { log } = testLog(logs);
  const bot = await startBot(testConfig(), world.transport('bot', { polling, log }), { worker: false, log });
  stops.push(() => bot.stop());
  const delivery = new RecordingDelivery();
  bot.deliveries.register('test', delivery);
  await goLive(bot);
  const worker = new InstantResponder(await world.open('worker', { polling }));
  await worker.start();
  stops.push(() => worker.stop());
  return { bot, delivery };
}

describe('in a Shared Drive', () => {
  it('with both accounts Content managers, jobs flow; requests/ and responses/ end up empty (trashed)', async () => {
    world = await startTwoAccountWorld({ sharedDrive: { bot: 'fileOrganizer', worker: 'fileOrganizer' } });
    folderIds = subfolderIds();
    const bot = new RecordingBot(await world.open('bot', { polling }));
    const worker = new InstantResponder(await world.open('worker', { polling }));
    await bot.start();
    await worker.start();
    stops.push(
      () => bot.stop(),
      () => worker.stop(),
    );
    const requests = [makeRequest('ann'), makeRequest('bob'), makeRequest('cy')];
    for (const request of requests) await bot.jobs.submit(request);
    await bot.waitFor(
      requests.map((r) => r.job_id),
      10_000,
    );
    const trashed = () => [...jsonIn('requests'), ...jsonIn('responses')].every((f) => f.trashed);
    await expect.poll(trashed, { timeout: 5000 }).toBe(true);
    expect(jsonIn('requests')).toHaveLength(3);
    expect(calls('bot')['files.delete']).toBeUndefined();
    expect(await bot.transport.list('requests')).toEqual([]);
    // Trashed reads as gone on the other side too.
    await expect.poll(() => worker.transport.list('requests'), { timeout: 3000 }).toEqual([]);
    expect(await worker.transport.list('responses')).toEqual([]);
    expect(bot.transport.cleanupProblems()).toBeNull();
  });

  it('with a Contributor, gives up on each file once, logs once, never retries, and /status tells admins', async () => {
    world = await startTwoAccountWorld({ sharedDrive: { bot: 'writer', worker: 'fileOrganizer' } });
    folderIds = subfolderIds();
    const logs: string[] = [];
    const { bot, delivery } = await startCoreBot(logs);
    // At open, from the root's capabilities: the role it needs.
    expect(logs.filter((m) => m.includes('may not move files to the trash'))).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/bot@example\.com may not move files to the trash .*"Content manager"/);
    for (const seed of ['A contributor writes.', 'And writes again.']) {
      const reply = await bot.core.start(ctx('ann'), { seed });
      await delivery.waitFor(reply.jobId!);
    }
    await expect.poll(() => bot.transport.cleanupProblems()?.unremovable, { timeout: 5000 }).toBe(4);
    expect(logs.filter((m) => m.includes('refused both deleting'))).toHaveLength(1);
    expect(jsonIn('requests').filter((f) => !f.trashed)).toHaveLength(2);
    expect(await bot.transport.list('requests')).toEqual([]);
    expect(await bot.transport.list('responses')).toEqual([]);
    const status = bot.core.status(ctx('root', { admin: true })).text;
    expect(status).toMatch(/⚠️ The mailbox is filling up: 4 files could not be removed\. .*"Content manager"/);
    expect(bot.core.status(ctx('ann')).text).not.toMatch(/filling up/);
    world.fake.resetCounts();
    await new Promise((r) => setTimeout(r, 1500));
    expect(calls('bot')['files.update']).toBeUndefined();
    expect(calls('bot')['files.delete']).toBeUndefined();
    // A restart reads the given-up files as gone, and does not try them again.
    await bot.stop();
    stops.length = 0;
    const again = await world.open('bot', { polling });
    expect(again.cleanupProblems()?.unremovable).toBe(4);
    expect(await again.list('responses')).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(calls('bot')['files.update']).toBeUndefined();
  });

  it('writes a name again as a new file when the other side moved its file to the trash meanwhile', async () => {
    world = await startTwoAccountWorld({ sharedDrive: { bot: 'fileOrganizer', worker: 'fileOrganizer' } });
    // The worker polls so rarely that it still knows the trashed file when it writes.
    const worker = await world.open('worker', { polling: { fastMs: 60_000, slowMs: 60_000 } });
    const bot = await world.open('bot', { polling });
    await worker.put('workers', 'w.json', '{"n":1}');
    await expect.poll(() => bot.list('workers'), { timeout: 3000 }).toEqual(['w.json']);
    await bot.delete('workers', 'w.json');
    world.fake.resetCounts();
    await worker.put('workers', 'w.json', '{"n":2}');
    expect(calls('worker')).toMatchObject({ 'files.update': 1, 'files.create': 1 });
    await expect.poll(() => bot.get('workers', 'w.json'), { timeout: 3000 }).toBe('{"n":2}');
  });

  it('housekeeping does not try a file it may not remove again', async () => {
    world = await startTwoAccountWorld({ sharedDrive: { bot: 'writer', worker: 'fileOrganizer' } });
    const worker = await world.open('worker');
    await worker.put('workers', 'dead.json', '{}');
    await new Promise((r) => setTimeout(r, 300));
    const bot = await world.open('bot', { polling: { fastMs: 50, slowMs: 60_000 } });
    const rules = { everyMs: 60_000, heartbeatMaxAgeMs: 100, controlMaxAgeMs: 100 };
    const keeper = new Housekeeper(bot, rules, Date.now, quietLog());
    world.fake.resetCounts();
    expect(await keeper.sweep()).toEqual([]);
    expect(calls('bot')).toEqual({ 'files.update': 1 });
    world.fake.resetCounts();
    expect(await keeper.sweep()).toEqual([]);
    expect(calls('bot')).toEqual({});
    expect(bot.cleanupProblems()?.unremovable).toBe(1);
  });
});

describe('in My Drive with two accounts', () => {
  it("the other account's file: delete refused, trash refused, so unremovable; the job goes on", async () => {
    world = await startTwoAccountWorld('myDrive');
    folderIds = subfolderIds();
    const logs: string[] = [];
    const bot = new RecordingBot(await world.open('bot', { polling, log: testLog(logs).log }));
    const worker = new InstantResponder(await world.open('worker', { polling }));
    await bot.start();
    await worker.start();
    stops.push(
      () => bot.stop(),
      () => worker.stop(),
    );
    const request = makeRequest('ann');
    await bot.jobs.submit(request);
    await bot.waitFor([request.job_id], 10_000);
    await expect.poll(() => bot.transport.cleanupProblems()?.unremovable, { timeout: 5000 }).toBe(1);
    // The bot's own request went for good; the worker's response is refused both ways, and stays.
    expect(jsonIn('requests')).toEqual([]);
    expect(jsonIn('responses').map((f) => [f.name, f.trashed])).toEqual([[`${request.job_id}.json`, false]]);
    expect(calls('bot')['files.delete']).toBe(2);
    expect(calls('bot')['files.update']).toBe(1);
    expect(logs.filter((m) => m.includes('refused both deleting'))).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/refused both deleting responses\/.*same Google account/);
    const { advice } = bot.transport.cleanupProblems()!;
    expect(advice).toMatch(/only a file's owner may delete it or move it to the trash/);
    expect(await bot.transport.list('responses')).toEqual([]);
  });
});
