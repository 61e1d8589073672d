/** DriveTransport's own behaviour beyond the contract: ids, the index, the changes feed, polling pace, saved state. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '../../../src/transport/drive/api.ts';
import type { Change } from '../../../src/transport/transport.ts';
import { at, driveFor } from '../../fakes/drive/test-helpers.ts';
import { testLog } from '../../helpers/log.ts';
import { apiFor, startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const calls = (label: string) => world.fake.counts().byPrincipal[label]?.calls ?? {};
function newsOf(t: { subscribe(l: (c: Change) => void): () => void }): Change[] {
  const seen: Change[] = [];
  t.subscribe((c) => seen.push(c));
  return seen;
}
function folderIdOf(name: string): string {
  return world.fake
    .files()
    .find((f) => f.name === name && f.mimeType === FOLDER_MIME && f.parents[0] === world.folderId)!.id;
}

describe('DriveTransport', () => {
  it('creates each file in one upload carrying its content, under ids taken a hundred at a time', async () => {
    const bot = await world.open('bot');
    world.fake.resetCounts();
    await Promise.all(Array.from({ length: 30 }, (_, i) => bot.put('requests', `r${i}.json`, `{"i":${i}}`)));
    expect(calls('bot')['files.generateIds']).toBe(1);
    expect(calls('bot')['files.create']).toBe(30);
    const stored = world.fake.files().filter((f) => /^r\d+\.json$/.test(f.name));
    expect(stored).toHaveLength(30);
    expect(stored.every((f) => f.content === `{"i":${f.name.slice(1, -5)}}` && f.mimeType === 'application/json')).toBe(
      true,
    );
  });

  it('reads, overwrites and deletes by id, and lists from its index without a call of its own', async () => {
    const bot = await world.open('bot');
    await bot.put('stories', 's1.json', '{"v":1}');
    world.fake.resetCounts();
    // Listings wait for the next regular poll and share it: nothing but that poll (and one already under way).
    for (const names of await Promise.all(Array.from({ length: 5 }, () => bot.list('stories'))))
      expect(names).toEqual(['s1.json']);
    expect(Object.keys(calls('bot'))).toEqual(['changes.list']);
    expect(calls('bot')['changes.list']).toBeLessThanOrEqual(2);
    // With a maximum age, a listing answers from the index at once.
    const eager = await world.open('late', { listMaxAgeMs: 60_000 });
    world.fake.resetCounts();
    for (let i = 0; i < 5; i++) expect(await eager.list('stories')).toEqual(['s1.json']);
    expect(calls('late')).toEqual({});
    world.fake.resetCounts();
    await bot.put('stories', 's1.json', '{"v":2}');
    expect(await bot.get('stories', 's1.json')).toBe('{"v":2}');
    await bot.delete('stories', 's1.json');
    expect(await bot.get('stories', 's1.json')).toBeNull();
    const { 'changes.list': polls, ...rest } = calls('bot');
    void polls;
    expect(rest).toEqual({ 'files.update': 1, 'files.get.media': 1, 'files.delete': 1 });
  });

  it("keeps its own writes out of its news, and brings the other side's", async () => {
    const bot = await world.open('bot');
    const worker = await world.open('worker');
    const botNews = newsOf(bot);
    const workerNews = newsOf(worker);
    await bot.put('requests', 'job.json', '{}');
    await expect.poll(() => workerNews.some((c) => c.name === 'job.json'), { timeout: 3000 }).toBe(true);
    await sleep(400);
    expect(botNews).toEqual([]);
  });

  it('reports only files in the mailbox folders, and moves, trashing and deletion as removals', async () => {
    const bot = await world.open('bot');
    const worker = await world.open('worker');
    const news = newsOf(worker);
    const api = apiFor(world.fake, 'bot-token');
    const [outside, tmp] = await api.generateIds(2);
    await api.createFile(outside, world.folderId, 'outside.json', '{}', 'creating');
    await api.createFile(tmp, folderIdOf('requests'), '.x.json.tmp', '{}', 'creating');
    for (const name of ['moved.json', 'trashed.json', 'deleted.json']) await bot.put('requests', name, '{}');
    await expect.poll(() => news.filter((c) => !c.removed).length, { timeout: 3000 }).toBe(3);
    const byName = (name: string) => world.fake.files().find((f) => f.name === name)!.id;
    const drive = driveFor('bot-token');
    await drive.files.update(
      { fileId: byName('moved.json'), addParents: world.folderId, removeParents: folderIdOf('requests') },
      at(world.fake),
    );
    await drive.files.update({ fileId: byName('trashed.json'), requestBody: { trashed: true } }, at(world.fake));
    await bot.delete('requests', 'deleted.json');
    await expect
      .poll(
        () =>
          news
            .filter((c) => c.removed)
            .map((c) => c.name)
            .sort(),
        { timeout: 3000 },
      )
      .toEqual(['deleted.json', 'moved.json', 'trashed.json']);
    expect(news.map((c) => c.name)).not.toContain('outside.json');
    expect(news.map((c) => c.name)).not.toContain('.x.json.tmp');
    expect(await worker.list('requests')).toEqual([]);
  });

  it('reads the newest of two files with one name, and deletes both', async () => {
    const bot = await world.open('bot');
    const api = apiFor(world.fake, 'worker-token');
    const [first, second] = await api.generateIds(2);
    await api.createFile(first, folderIdOf('responses'), 'twice.json', '{"n":1}', 'creating');
    await sleep(5);
    await api.createFile(second, folderIdOf('responses'), 'twice.json', '{"n":2}', 'creating');
    // A poll may fall between the two creates; a listing waits for a catch-up after both, so the index has both.
    expect(await bot.list('responses')).toEqual(['twice.json']);
    expect(await bot.get('responses', 'twice.json')).toBe('{"n":2}');
    await bot.delete('responses', 'twice.json');
    expect(world.fake.files().filter((f) => f.name === 'twice.json')).toEqual([]);
  });

  it('writes a file again when the other side deleted it meanwhile', async () => {
    const bot = await world.open('bot');
    const worker = await world.open('worker');
    await bot.put('workers', 'w.json', '{"n":1}');
    expect(await worker.get('workers', 'w.json')).toBe('{"n":1}');
    await worker.delete('workers', 'w.json');
    await bot.put('workers', 'w.json', '{"n":2}');
    expect(
      world.fake
        .files()
        .filter((f) => f.name === 'w.json')
        .map((f) => f.content),
    ).toEqual(['{"n":2}']);
  });

  it('polls every fast interval while urgent, and backs off to the slow one when idle', async () => {
    const bot = await world.open('bot', { polling: { fastMs: 100, slowMs: 800 } });
    bot.setUrgent(true);
    world.fake.resetCounts();
    await sleep(1000);
    const urgent = calls('bot')['changes.list'] ?? 0;
    expect(urgent).toBeGreaterThanOrEqual(4);
    expect(urgent).toBeLessThanOrEqual(11);
    bot.setUrgent(false);
    await sleep(1600); // 200 + 400 + 800: the interval doubles up to the slow one
    world.fake.resetCounts();
    await sleep(2000);
    expect(calls('bot')['changes.list'] ?? 0).toBeGreaterThanOrEqual(1);
    expect(calls('bot')['changes.list'] ?? 0).toBeLessThanOrEqual(3);
  });

  it('keeps a state file per side, and starts afresh when Drive no longer knows its page token', async () => {
    const bot = await world.open('bot');
    await bot.put('stories', 's.json', '{}');
    const worker = await world.open('worker');
    await bot.close();
    await worker.close();
    const saved = JSON.parse(readFileSync(join(world.dir, 'drive-bot.json'), 'utf8'));
    expect(saved).toMatchObject({ v: 1, folder_id: world.folderId, page_token: expect.any(String) });
    expect(saved.files.map((f: unknown[]) => f[2])).toEqual(['s.json']);
    expect(JSON.parse(readFileSync(join(world.dir, 'drive-worker.json'), 'utf8')).folder_id).toBe(world.folderId);
    writeFileSync(join(world.dir, 'drive-bot.json'), JSON.stringify({ ...saved, page_token: '999999' }));
    const logs: string[] = [];
    const again = await world.open('bot', { log: testLog(logs).log });
    expect(await again.list('stories')).toEqual(['s.json']);
    expect(logs.join('\n')).toMatch(/no longer accepts the saved page token/);
  });
});
