import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { FOLDER_MIME } from './model.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let driveId: string;
const manager = driveFor('manager');
const content = driveFor('content');
const contributor = driveFor('contributor');
const all = { supportsAllDrives: true, includeItemsFromAllDrives: true };

beforeEach(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'manager', email: 'manager@example.com' },
      { token: 'content', email: 'content@example.com' },
      { token: 'contributor', email: 'contributor@example.com' },
    ],
  });
  driveId = fake.createSharedDrive({
    name: 'team',
    members: {
      'manager@example.com': 'organizer',
      'content@example.com': 'fileOrganizer',
      'contributor@example.com': 'writer',
    },
  }).id;
});
afterEach(() => fake.close());

async function newFile(name: string): Promise<string> {
  const res = await contributor.files.create(
    { requestBody: { name, parents: [driveId] }, media: { body: '{}' }, supportsAllDrives: true, fields: 'id' },
    at(fake),
  );
  return res.data.id!;
}

async function changesSince(token: string) {
  const res = await manager.changes.list(
    { pageToken: token, ...all, fields: 'changes(fileId,removed,file(id,trashed))' },
    at(fake),
  );
  return res.data.changes;
}

describe('trashing', () => {
  it('keeps the id, shows trashed: true, reports a change with the file, leaves trashed = false', async () => {
    const id = await newFile('req.json');
    const token = (await manager.changes.getStartPageToken({}, at(fake))).data.startPageToken!;
    const res = await content.files.update(
      { fileId: id, requestBody: { trashed: true }, supportsAllDrives: true, fields: 'id,trashed,explicitlyTrashed' },
      at(fake),
    );
    expect(res.data).toEqual({ id, trashed: true, explicitlyTrashed: true });
    expect(
      (await manager.files.get({ fileId: id, fields: 'id,trashed', supportsAllDrives: true }, at(fake))).data,
    ).toEqual({ id, trashed: true });
    expect(await changesSince(token)).toEqual([{ fileId: id, removed: false, file: { id, trashed: true } }]);
    const list = (q: string) => manager.files.list({ q, fields: 'files(id)', ...all }, at(fake));
    expect((await list("name = 'req.json' and trashed = false")).data.files).toEqual([]);
    expect((await list("name = 'req.json'")).data.files).toEqual([{ id }]);
    await content.files.update({ fileId: id, requestBody: { trashed: false }, supportsAllDrives: true }, at(fake));
    expect((await list("name = 'req.json' and trashed = false")).data.files).toEqual([{ id }]);
  });

  it("answers a refused trash or delete with Drive's 403 and leaves no trace: no change, no new version", async () => {
    const id = await newFile('resp.json');
    const token = (await manager.changes.getStartPageToken({}, at(fake))).data.startPageToken!;
    const before = fake.file(id);
    const trash = await driveError(
      contributor.files.update(
        { fileId: id, requestBody: { trashed: true, name: 'x' }, supportsAllDrives: true },
        at(fake),
      ),
    );
    const del = await driveError(content.files.delete({ fileId: id, supportsAllDrives: true }, at(fake)));
    const message = 'The user does not have sufficient permissions for this file.';
    for (const err of [trash, del]) {
      expect(err.body).toEqual({
        error: { code: 403, message, errors: [{ message, domain: 'global', reason: 'insufficientFilePermissions' }] },
      });
    }
    expect(fake.file(id)).toEqual(before);
    expect(await changesSince(token)).toEqual([]);
  });

  it('trashes what is in a trashed folder too, and restores it with the folder', async () => {
    const folder = await content.files.create(
      {
        requestBody: { name: 'requests', mimeType: FOLDER_MIME, parents: [driveId] },
        supportsAllDrives: true,
        fields: 'id',
      },
      at(fake),
    );
    const child = await contributor.files.create(
      { requestBody: { name: 'c', parents: [folder.data.id!] }, supportsAllDrives: true, fields: 'id' },
      at(fake),
    );
    const trash = (trashed: boolean) =>
      content.files.update({ fileId: folder.data.id!, requestBody: { trashed }, supportsAllDrives: true }, at(fake));
    await trash(true);
    expect(fake.file(child.data.id!)?.trashed).toBe(true);
    await trash(false);
    expect(fake.file(child.data.id!)?.trashed).toBe(false);
  });
});

describe('roles in the control API', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${fake.url}/__fake/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('creates shared drives over HTTP with any of the five roles, and plain member lists as organizers', async () => {
    const roles = await post('drives', { name: 'r', members: { 'content@example.com': 'fileOrganizer' } });
    const byRole = (await roles.json()) as { id: string };
    const plainRes = await post('drives', { name: 'p', members: ['content@example.com'] });
    const plain = (await plainRes.json()) as { id: string };
    const caps = async (id: string) =>
      (await content.drives.get({ driveId: id, fields: 'capabilities' }, at(fake))).data.capabilities;
    expect(await caps(byRole.id)).toMatchObject({ canTrashChildren: true, canDeleteChildren: false });
    expect(await caps(plain.id)).toMatchObject({ canTrashChildren: true, canDeleteChildren: true });
    const bad = await post('drives', { name: 'b', members: { 'content@example.com': 'manager' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/unknown role "manager"/) });
  });

  it('shares over HTTP as writer, commenter or reader, and refuses shared-drive roles', async () => {
    const folder = await manager.files.create(
      { requestBody: { name: 'f', mimeType: FOLDER_MIME }, fields: 'id' },
      at(fake),
    );
    const ok = await post('share', { fileId: folder.data.id, email: 'content@example.com', role: 'commenter' });
    expect(ok.status).toBe(200);
    expect(fake.file(folder.data.id!)?.sharedWith).toEqual({ 'content@example.com': 'commenter' });
    const bad = await post('share', { fileId: folder.data.id, email: 'content@example.com', role: 'fileOrganizer' });
    expect(bad.status).toBe(400);
    const ownerRole = { 'a@example.com': 'owner' as never };
    expect(() => fake.createSharedDrive({ name: 'x', members: ownerRole })).toThrow(/unknown role/);
  });
});
