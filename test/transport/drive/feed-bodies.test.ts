/** Job files' bodies in their properties (body-properties.ts), through two DriveTransports on the fake. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FOLDER_MIME } from '../../../src/transport/drive/api.ts';
import { at, driveFor } from '../../fakes/drive/test-helpers.ts';
import { startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.close());

const downloads = (label: string) => world.fake.counts().byPrincipal[label]?.calls['files.get.media'] ?? 0;
const stored = (name: string) => world.fake.files().find((f) => f.name === name)!;
const folderId = (name: string) =>
  world.fake.files().find((f) => f.name === name && f.mimeType === FOLDER_MIME && f.parents[0] === world.folderId)!.id;

it("reads another side's small job files from the feed, and downloads large ones and heartbeats", async () => {
  const [bot, worker] = [await world.open('bot'), await world.open('worker')];
  const small = `${JSON.stringify({ v: 1, prompt: 'Élan, 😀 and “quotes”' })}\n`;
  const large = JSON.stringify({ v: 1, prompt: 'x'.repeat(5000) });
  await bot.put('requests', 'small.json', small);
  await bot.put('requests', 'large.json', large);
  await bot.put('workers', 'w.json', '{"v":1}');
  await worker.list('requests');
  expect(await worker.get('requests', 'small.json')).toBe(small);
  expect(downloads('worker')).toBe(0);
  expect(await worker.get('requests', 'large.json')).toBe(large);
  expect(await worker.get('workers', 'w.json')).toBe('{"v":1}');
  expect(downloads('worker')).toBe(2);
  expect(stored('large.json').properties).toEqual({});
  expect(stored('w.json').properties).toEqual({});
});

it('replaces the properties on an overwrite, and drops them when the body no longer fits', async () => {
  const [bot, worker] = [await world.open('bot'), await world.open('worker')];
  await bot.put('responses', 'r.json', JSON.stringify({ text: 'y'.repeat(2000) }));
  await bot.put('responses', 'r.json', '{"text":"short"}');
  expect(Object.keys(stored('r.json').properties).sort()).toEqual(['sl', 'sl0']);
  await worker.list('responses');
  expect(await worker.get('responses', 'r.json')).toBe('{"text":"short"}');
  const longer = JSON.stringify({ text: 'z'.repeat(5000) });
  await bot.put('responses', 'r.json', longer);
  expect(stored('r.json').properties).toEqual({});
  await worker.list('responses');
  expect(await worker.get('responses', 'r.json')).toBe(longer);
  expect(downloads('worker')).toBe(1);
});

it('downloads the content when the properties do not add up, or were left by an older content', async () => {
  const [bot, worker] = [await world.open('bot'), await world.open('worker')];
  const drive = driveFor('bot-token');
  // A checksum that is not the body's.
  await drive.files.create(
    {
      requestBody: {
        name: 'spoiled.json',
        parents: [folderId('requests')],
        properties: { sl: `1:1:2:${'0'.repeat(64)}`, sl0: '{}' },
      },
      media: { body: '{}' },
    },
    at(world.fake),
  );
  // Another tool replaced the content alone: the properties still describe the old one (the file's sha256Checksum
  // tells).
  await bot.put('requests', 'stale.json', '{"v":1}');
  await drive.files.update({ fileId: stored('stale.json').id, media: { body: '{"v":2}' } }, at(world.fake));
  await worker.list('requests');
  expect(await worker.get('requests', 'spoiled.json')).toBe('{}');
  expect(await worker.get('requests', 'stale.json')).toBe('{"v":2}');
  expect(downloads('worker')).toBe(2);
});
