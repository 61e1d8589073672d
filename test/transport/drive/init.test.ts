/**
 * `npm run mailbox:init`: makes the folder tree, or checks and completes one; running it again changes nothing,
 * even while Drive's listing lags (the folders are addressed by the ids the root's properties record).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '../../../src/transport/drive/api.ts';
import type { MailboxError } from '../../../src/transport/drive/errors.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { openMailbox } from '../../../src/transport/drive/mailbox-folders.ts';
import { FOLDERS } from '../../../src/transport/transport.ts';
import { startDriveFake, type DriveFake } from '../../fakes/drive/index.ts';
import { at, driveFor } from '../../fakes/drive/test-helpers.ts';
import { apiFor } from './world.ts';

let fake: DriveFake;
beforeEach(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'user-access', email: 'me@example.com', label: 'user' },
      { token: 'sa-access', email: 'sa@p.iam.gserviceaccount.com', kind: 'service_account', label: 'sa' },
    ],
  });
});
afterEach(() => fake.close());

const foldersUnder = (id: string) =>
  fake
    .files()
    .filter((f) => f.parents[0] === id && f.mimeType === FOLDER_MIME)
    .map((f) => f.name)
    .sort();

describe('initMailbox', () => {
  it('creates storyloom/ with the six folders in My Drive, and finds it again the next time', async () => {
    const api = apiFor(fake, 'user-access');
    const first = await initMailbox(api);
    expect(first.created).toEqual(['storyloom', ...FOLDERS.map((f) => `storyloom/${f}`)]);
    expect(foldersUnder(first.rootId)).toEqual([...FOLDERS].sort());
    const second = await initMailbox(api);
    expect(second).toEqual({ rootId: first.rootId, created: [] });
    expect(fake.files()).toHaveLength(7);
    const opened = await openMailbox(api, first.rootId);
    expect(Object.keys(opened.ids).sort()).toEqual([...FOLDERS].sort());
  });

  it("records the six folder ids in the root's properties, and opens by them", async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api);
    const byName = Object.fromEntries(
      fake
        .files()
        .filter((f) => f.parents[0] === rootId)
        .map((f) => [f.name, f.id]),
    );
    const keys = Object.fromEntries(FOLDERS.map((f) => [`mailbox_${f}`, byName[f]]));
    expect(fake.file(rootId)!.properties).toEqual({ mailbox_v: '1', ...keys });
    fake.resetCounts();
    expect((await openMailbox(api, rootId)).ids).toEqual(byName);
    // One read of the root, by id; no listing.
    expect(fake.counts().calls).toEqual({ 'files.get': 1 });
  });

  it('adds the folders an existing mailbox lacks, given DRIVE_FOLDER_ID, and records their ids', async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api, { name: 'mine' });
    const models = fake.files().find((f) => f.name === 'models')!.id;
    await driveFor('user-access').files.delete({ fileId: models }, at(fake));
    expect((await initMailbox(api, { folderId: rootId })).created).toEqual(['mine/models']);
    expect(foldersUnder(rootId)).toEqual([...FOLDERS].sort());
    const added = fake.files().find((f) => f.name === 'models')!.id;
    expect(fake.file(rootId)!.properties.mailbox_models).toBe(added);
    expect((await openMailbox(api, rootId)).ids.models).toBe(added);
  });

  it('finds the folders of a mailbox made before the properties by name, and records them', async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api, { name: 'old' });
    const before = fake.file(rootId)!.properties;
    await api.updateProperties(rootId, Object.fromEntries(Object.keys(before).map((k) => [k, null])), 'forgetting');
    expect(fake.file(rootId)!.properties).toEqual({});
    expect((await openMailbox(api, rootId)).ids).toEqual(recordedIds(before));
    expect((await initMailbox(api, { folderId: rootId })).created).toEqual([]);
    expect(fake.file(rootId)!.properties).toEqual(before);
  });

  it('says what an old mailbox (no properties) lacks', async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api, { name: 'old' });
    await api.updateProperties(rootId, { mailbox_v: null }, 'forgetting the layout');
    const models = fake.files().find((f) => f.name === 'models')!.id;
    await driveFor('user-access').files.delete({ fileId: models }, at(fake));
    await expect(openMailbox(api, rootId)).rejects.toThrow(/lacks the subfolders models\. Run `npm run mailbox:init`/);
  });

  it('makes the mailbox at the top of a Shared Drive for a service account', async () => {
    const drive = fake.createSharedDrive({ name: 'team', members: ['sa@p.iam.gserviceaccount.com'] });
    const result = await initMailbox(apiFor(fake, 'sa-access'), { parentId: drive.id });
    expect(result.driveId).toBe(drive.id);
    expect(fake.file(result.rootId)).toMatchObject({ name: 'storyloom', parents: [drive.id], driveId: drive.id });
  });

  it(
    'refuses an old mailbox (found by name) with two ' + 'folders of a name; a recorded one ignores the extra',
    async () => {
      const api = apiFor(fake, 'user-access');
      const { rootId } = await initMailbox(api);
      await api.createFolder((await api.generateIds(1))[0], rootId, 'requests');
      expect((await openMailbox(api, rootId)).ids.requests).toBe(fake.file(rootId)!.properties.mailbox_requests);
      await api.updateProperties(rootId, { mailbox_v: null }, 'forgetting the layout');
      const error = await openMailbox(api, rootId).catch((e: unknown) => e);
      expect((error as MailboxError).code).toBe('not_a_mailbox');
      expect((error as Error).message).toMatch(/has 2 folders named "requests"/);
      await expect(initMailbox(api, { folderId: rootId })).rejects.toThrow(/has 2 folders named "requests"/);
    },
  );

  it('says when the parent is not there', async () => {
    await expect(initMailbox(apiFor(fake, 'user-access'), { parentId: 'nonexistent-folder-id' })).rejects.toThrow(
      /the folder or Shared Drive nonexistent-folder-id was not found, or me@example.com is not a member of it/,
    );
  });
});

describe('initMailbox run again while the listing lags (3 s)', () => {
  const lagging = async () => {
    const api = apiFor(fake, 'user-access');
    fake.setListLag(3000);
    return api;
  };
  const rootsNamed = (name: string) => fake.files().filter((f) => f.name === name && f.mimeType === FOLDER_MIME);

  it('with DRIVE_FOLDER_ID, creates no second set of subfolders', async () => {
    const api = await lagging();
    const first = await initMailbox(api);
    const again = await initMailbox(api, { folderId: first.rootId });
    expect(again.created).toEqual([]);
    expect(fake.files()).toHaveLength(7);
    expect(foldersUnder(first.rootId)).toEqual([...FOLDERS].sort());
    // Both sides open it at once, before the listing shows a thing.
    expect(Object.keys((await openMailbox(api, first.rootId)).ids).sort()).toEqual([...FOLDERS].sort());
  });

  it('without DRIVE_FOLDER_ID, finds the root it made by id (remembered in the data dir), no second', async () => {
    const api = await lagging();
    const rememberFile = join(mkdtempSync(join(tmpdir(), 'storyloom-init-')), 'drive-mailbox.json');
    const first = await initMailbox(api, { rememberFile });
    const again = await initMailbox(api, { rememberFile });
    expect(again).toEqual({ rootId: first.rootId, created: [] });
    expect(rootsNamed('storyloom')).toHaveLength(1);
    expect(fake.files()).toHaveLength(7);
    expect(JSON.parse(readFileSync(rememberFile, 'utf8')).mailboxes).toEqual([
      { parent_id: fake.file(first.rootId)!.parents[0], name: 'storyloom', root_id: first.rootId },
    ]);
    // Another name is another mailbox.
    expect((await initMailbox(api, { rememberFile, name: 'other' })).created).toHaveLength(7);
  });

  it('makes a new root when the remembered one was deleted', async () => {
    const api = await lagging();
    const rememberFile = join(mkdtempSync(join(tmpdir(), 'storyloom-init-')), 'drive-mailbox.json');
    const first = await initMailbox(api, { rememberFile });
    await driveFor('user-access').files.delete({ fileId: first.rootId }, at(fake));
    const again = await initMailbox(api, { rememberFile });
    expect(again.rootId).not.toBe(first.rootId);
    expect(again.created).toHaveLength(7);
  });
});

/** The folder ids recorded in root properties. */
function recordedIds(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(FOLDERS.map((f) => [f, properties[`mailbox_${f}`]]));
}
