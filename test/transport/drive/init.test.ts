/** `npm run mailbox:init`: makes the folder tree, or checks and completes one; running it again changes nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '../../../src/transport/drive/api.ts';
import { DriveMailboxError } from '../../../src/transport/drive/errors.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { openMailbox } from '../../../src/transport/drive/mailbox-folders.ts';
import { FOLDERS } from '../../../src/transport/transport.ts';
import { startDriveFake, type DriveFake } from '../../fakes/drive/index.ts';
import { at, driveFor } from '../../fakes/drive/test-helpers.ts';
import { apiFor } from './world.ts';

let fake: DriveFake;
beforeEach(async () => {
  fake = await startDriveFake({ principals: [
    { token: 'user-access', email: 'me@example.com', label: 'user' },
    { token: 'sa-access', email: 'sa@p.iam.gserviceaccount.com', kind: 'service_account', label: 'sa' },
  ] });
});
afterEach(() => fake.close());

const foldersUnder = (id: string) => fake.files().filter((f) => f.parents[0] === id && f.mimeType === FOLDER_MIME).map((f) => f.name).sort();

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

  it('adds the folders an existing mailbox lacks, given DRIVE_FOLDER_ID', async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api, { name: 'mine' });
    const models = fake.files().find((f) => f.name === 'models')!.id;
    await driveFor('user-access').files.delete({ fileId: models }, at(fake));
    await expect(openMailbox(api, rootId)).rejects.toThrow(/lacks the subfolders models. Run `npm run mailbox:init` with DRIVE_FOLDER_ID=/);
    expect((await initMailbox(api, { folderId: rootId })).created).toEqual(['mine/models']);
    expect(foldersUnder(rootId)).toEqual([...FOLDERS].sort());
  });

  it('makes the mailbox at the top of a Shared Drive for a service account', async () => {
    const drive = fake.createSharedDrive({ name: 'team', members: ['sa@p.iam.gserviceaccount.com'] });
    const result = await initMailbox(apiFor(fake, 'sa-access'), { parentId: drive.id });
    expect(result.driveId).toBe(drive.id);
    expect(fake.file(result.rootId)).toMatchObject({ name: 'storyloom', parents: [drive.id], driveId: drive.id });
  });

  it('refuses a mailbox with two folders of one name', async () => {
    const api = apiFor(fake, 'user-access');
    const { rootId } = await initMailbox(api);
    await api.createFolder((await api.generateIds(1))[0], rootId, 'requests');
    const error = await openMailbox(api, rootId).catch((e: unknown) => e);
    expect((error as DriveMailboxError).code).toBe('not_a_mailbox');
    expect((error as Error).message).toMatch(/has 2 folders named "requests"/);
    await expect(initMailbox(api, { folderId: rootId })).rejects.toThrow(/has 2 folders named "requests"/);
  });

  it('says when the parent is not there', async () => {
    await expect(initMailbox(apiFor(fake, 'user-access'), { parentId: 'nonexistent-folder-id' })).rejects.toThrow(/the folder or Shared Drive nonexistent-folder-id was not found, or me@example.com is not a member of it/);
  });
});
