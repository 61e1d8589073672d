import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
const bot = driveFor('bot');
const worker = driveFor('worker');

beforeEach(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'bot', email: 'bot@example.com' },
      { token: 'worker', email: 'worker@example.com' },
    ],
  });
});
afterEach(() => fake.close());

async function startToken(client = bot, params = {}): Promise<string> {
  const res = await client.changes.getStartPageToken(params, at(fake));
  expect(res.data.kind).toBe('drive#startPageToken');
  return res.data.startPageToken!;
}

describe('changes', () => {
  it(
    'reports creates, updates and deletes after the start ' + 'token, each file once, with removed: true for deletes',
    async () => {
      const before = await bot.files.create({ requestBody: { name: 'before' } }, at(fake));
      const token = await startToken();
      const kept = await bot.files.create({ requestBody: { name: 'kept' } }, at(fake));
      await bot.files.update({ fileId: kept.data.id!, requestBody: { name: 'kept-renamed' } }, at(fake));
      const gone = await bot.files.create({ requestBody: { name: 'gone' } }, at(fake));
      await bot.files.delete({ fileId: gone.data.id! }, at(fake));
      const res = await bot.changes.list(
        { pageToken: token, fields: 'changes(fileId,removed,file(id,name)),nextPageToken,newStartPageToken' },
        at(fake),
      );
      expect(res.data).toEqual({
        newStartPageToken: expect.any(String),
        changes: [
          { fileId: kept.data.id, removed: false, file: { id: kept.data.id, name: 'kept-renamed' } },
          { fileId: gone.data.id, removed: true },
        ],
      });
      expect(res.data.changes!.some((c) => c.fileId === before.data.id)).toBe(false);
      const later = await bot.changes.list({ pageToken: res.data.newStartPageToken! }, at(fake));
      expect(later.data).toEqual({
        kind: 'drive#changeList',
        newStartPageToken: res.data.newStartPageToken,
        changes: [],
      });
    },
  );

  it('pages with nextPageToken, then ends with newStartPageToken', async () => {
    const token = await startToken();
    for (const name of ['1', '2', '3']) await bot.files.create({ requestBody: { name } }, at(fake));
    const first = await bot.changes.list({ pageToken: token, pageSize: 2 }, at(fake));
    expect(first.data.changes!.map((c) => c.file?.name)).toEqual(['1', '2']);
    expect(first.data.changes![0]).toEqual({
      kind: 'drive#change',
      changeType: 'file',
      time: expect.stringMatching(/Z$/),
      removed: false,
      fileId: expect.any(String),
      file: { kind: 'drive#file', id: expect.any(String), name: '1', mimeType: 'application/octet-stream' },
    });
    expect(first.data.newStartPageToken).toBeUndefined();
    const second = await bot.changes.list({ pageToken: first.data.nextPageToken!, pageSize: 2 }, at(fake));
    expect(second.data.changes!.map((c) => c.file?.name)).toEqual(['3']);
    expect(second.data.nextPageToken).toBeUndefined();
    expect(second.data.newStartPageToken).toBeDefined();
  });

  it("shows each principal only what it can see, and a shared folder's files to the sharee", async () => {
    const token = await startToken(worker);
    const folder = await bot.files.create(
      { requestBody: { name: 'mailbox', mimeType: 'application/vnd.google-apps.folder' } },
      at(fake),
    );
    await bot.files.create({ requestBody: { name: 'private' } }, at(fake));
    const before = await worker.changes.list({ pageToken: token, fields: 'changes(file(name))' }, at(fake));
    expect(before.data.changes).toEqual([]);
    fake.share(folder.data.id!, 'worker@example.com');
    await bot.files.create({ requestBody: { name: 'req.json', parents: [folder.data.id!] } }, at(fake));
    const after = await worker.changes.list({ pageToken: token, fields: 'changes(file(name))' }, at(fake));
    expect(after.data.changes!.map((c) => c.file!.name)).toEqual(['mailbox', 'req.json']);
  });

  it('leaves out removals with includeRemoved=false and rejects a bad token', async () => {
    const token = await startToken();
    const f = await bot.files.create({ requestBody: { name: 'x' } }, at(fake));
    await bot.files.delete({ fileId: f.data.id! }, at(fake));
    const res = await bot.changes.list({ pageToken: token, includeRemoved: false }, at(fake));
    expect(res.data.changes).toEqual([]);
    const err = await driveError(bot.changes.list({ pageToken: '999999' }, at(fake)));
    expect(err).toMatchObject({ status: 400, reason: 'invalid' });
  });

  it(
    'includes shared-drive items only with includeItemsFromAllDrives ' + 'and supportsAllDrives, or with driveId',
    async () => {
      const shared = fake.createSharedDrive({ name: 'Mailbox', members: ['bot@example.com'] });
      const token = await startToken();
      await bot.files.create(
        { requestBody: { name: 'in-drive', parents: [shared.id] }, supportsAllDrives: true },
        at(fake),
      );
      const plain = await bot.changes.list({ pageToken: token }, at(fake));
      expect(plain.data.changes).toEqual([]);
      const all = await bot.changes.list(
        { pageToken: token, includeItemsFromAllDrives: true, supportsAllDrives: true },
        at(fake),
      );
      expect(all.data.changes!.map((c) => c.file?.name)).toEqual(['in-drive']);
      const driveToken = await startToken(bot, { driveId: shared.id, supportsAllDrives: true });
      expect(driveToken).toBe(await startToken());
      const byDrive = await bot.changes.list(
        { pageToken: token, driveId: shared.id, supportsAllDrives: true, includeItemsFromAllDrives: true },
        at(fake),
      );
      expect(byDrive.data.changes!.map((c) => c.file?.name)).toEqual(['in-drive']);
    },
  );
});
