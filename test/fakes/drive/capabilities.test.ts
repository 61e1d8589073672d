import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { DRIVE_ROLES, FOLDER_MIME } from './model.ts';
import { MY_DRIVE_EXPECTED, SHARED_DRIVE_EXPECTED } from './role-expectations.ts';
import { startDriveFake } from './server.ts';
import { at, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let driveId: string;
let fileId: string;
let myFolder: string;
const boss = driveFor('organizer');
const all = { supportsAllDrives: true };

beforeAll(async () => {
  fake = await startDriveFake({
    principals: [
      ...DRIVE_ROLES.map((r) => ({ token: r, email: `${r}@example.com` })),
      { token: 'owner', email: 'owner@example.com' },
    ],
  });
  driveId = fake.createSharedDrive({
    name: 'team',
    members: Object.fromEntries(DRIVE_ROLES.map((r) => [`${r}@example.com`, r])),
  }).id;
  const file = await boss.files.create({ requestBody: { name: 'a.json', parents: [driveId] }, ...all }, at(fake));
  fileId = file.data.id!;
  const folder = await driveFor('owner').files.create(
    { requestBody: { name: 'mailbox', mimeType: FOLDER_MIME } },
    at(fake),
  );
  myFolder = folder.data.id!;
  fake.share(myFolder, 'writer@example.com', 'writer');
});
afterAll(() => fake.close());

/** What the matrix says a role may do, as the capabilities that promise it. */
function expectedCaps(role: string, expected: typeof SHARED_DRIVE_EXPECTED) {
  return {
    canEdit: expected.updateContent.allowed.includes(role),
    canTrash: expected.trash.allowed.includes(role),
    canUntrash: expected.untrash.allowed.includes(role),
    canDelete: expected.delete.allowed.includes(role),
  };
}

describe('capabilities in shared drives', () => {
  it.each([...DRIVE_ROLES])('tells a %s on the mailbox root what it may do to the children', async (role) => {
    const fields = 'capabilities(canTrashChildren,canDeleteChildren)';
    const res = await driveFor(role).files.get({ fileId: driveId, fields, ...all }, at(fake));
    expect(res.data).toEqual({
      capabilities: {
        canTrashChildren: SHARED_DRIVE_EXPECTED.trash.allowed.includes(role),
        canDeleteChildren: SHARED_DRIVE_EXPECTED.delete.allowed.includes(role),
      },
    });
  });

  it.each([...DRIVE_ROLES])('matches the role matrix for a %s on a file, through files.get', async (role) => {
    const res = await driveFor(role).files.get({ fileId, fields: 'capabilities', ...all }, at(fake));
    expect(res.data.capabilities).toMatchObject({
      ...expectedCaps(role, SHARED_DRIVE_EXPECTED),
      canAddChildren: false,
      canListChildren: false,
      canTrashChildren: false,
      canDeleteChildren: false,
    });
  });

  it('comes through files.list, changes.list and create/update responses, under any fields mask', async () => {
    const writer = driveFor('writer');
    const token = (await writer.changes.getStartPageToken({}, at(fake))).data.startPageToken!;
    const made = await writer.files.create(
      { requestBody: { name: 'w.json', parents: [driveId] }, fields: 'id,capabilities(canEdit,canTrash)', ...all },
      at(fake),
    );
    expect(made.data.capabilities).toEqual({ canEdit: true, canTrash: false });
    const updated = await writer.files.update(
      { fileId: made.data.id!, requestBody: { name: 'w2.json' }, fields: 'capabilities/canDelete', ...all },
      at(fake),
    );
    expect(updated.data).toEqual({ capabilities: { canDelete: false } });
    const listed = await driveFor('organizer').files.list(
      {
        q: "name = 'w2.json'",
        includeItemsFromAllDrives: true,
        fields: 'files(capabilities(canDelete,canTrash))',
        ...all,
      },
      at(fake),
    );
    expect(listed.data.files).toEqual([{ capabilities: { canDelete: true, canTrash: true } }]);
    const changes = await writer.changes.list(
      {
        pageToken: token,
        includeItemsFromAllDrives: true,
        fields: 'changes(file(capabilities(canUntrash,canDeleteChildren)))',
        ...all,
      },
      at(fake),
    );
    expect(changes.data.changes).toEqual([{ file: { capabilities: { canUntrash: false, canDeleteChildren: false } } }]);
  });

  it('reports what drives.get promises for each role', async () => {
    const res = await driveFor('fileOrganizer').drives.get({ driveId, fields: 'capabilities' }, at(fake));
    expect(res.data.capabilities).toMatchObject({
      canAddChildren: true,
      canTrashChildren: true,
      canDeleteChildren: false,
    });
  });
});

describe('capabilities in My Drive', () => {
  it('leaves out canTrashChildren and canDeleteChildren ("Only populated for items in shared drives")', async () => {
    const res = await driveFor('owner').files.get({ fileId: myFolder, fields: 'capabilities' }, at(fake));
    expect(res.data.capabilities).not.toHaveProperty('canTrashChildren');
    expect(res.data.capabilities).not.toHaveProperty('canDeleteChildren');
    expect(res.data.capabilities).toMatchObject({
      ...expectedCaps('owner', MY_DRIVE_EXPECTED),
      canAddChildren: true,
      canListChildren: true,
    });
  });

  it("tells a writer share it may edit and add, but not trash or delete, the owner's folder", async () => {
    const res = await driveFor('writer').files.get({ fileId: myFolder, fields: 'capabilities' }, at(fake));
    expect(res.data.capabilities).toMatchObject({ ...expectedCaps('writer', MY_DRIVE_EXPECTED), canAddChildren: true });
  });
});
