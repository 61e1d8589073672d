import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { FOLDER_MIME, SHARE_ROLES, type ShareRole } from './model.ts';
import { MY_DRIVE_EXPECTED, type MatrixOp, type MyDriveActor } from './role-expectations.ts';
import { expectDone, expectRefused, runOp, type Target } from './role-ops.ts';
import { startDriveFake } from './server.ts';
import { at, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let mailbox: string;
let serial = 0;
const owner = driveFor('owner');

beforeAll(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'owner', email: 'owner@example.com' },
      ...SHARE_ROLES.map((r) => ({ token: r, email: `${r}@example.com` })),
    ],
  });
  mailbox = (await owner.files.create({ requestBody: { name: 'mailbox', mimeType: FOLDER_MIME } }, at(fake))).data.id!;
  for (const role of SHARE_ROLES) fake.share(mailbox, `${role}@example.com`, role);
});
afterAll(() => fake.close());

/** A file in the shared folder, made by `creator`, trashed by it first for the untrash case. */
async function fixture(op: MatrixOp, creator: 'owner' | ShareRole, parent = mailbox): Promise<Target> {
  const name = `fx-${++serial}`;
  const client = driveFor(creator);
  const res = await client.files.create(
    { requestBody: { name, parents: [parent], properties: { k: 'v1' } }, media: { body: 'v1' }, fields: 'id' },
    at(fake),
  );
  if (op === 'untrash') await client.files.update({ fileId: res.data.id!, requestBody: { trashed: true } }, at(fake));
  return { id: res.data.id!, name, parent };
}

const ACTORS: MyDriveActor[] = ['owner', 'writer', 'commenter', 'reader', 'folderOwner'];
const OPS = Object.keys(MY_DRIVE_EXPECTED) as MatrixOp[];
const CASES = ACTORS.flatMap((actor) =>
  OPS.map((op) => ({
    actor,
    op,
    allowed: MY_DRIVE_EXPECTED[op].allowed.includes(actor),
    rule: MY_DRIVE_EXPECTED[op].rule,
  })),
);

describe("My Drive role matrix (owner, shares, another user's file in a shared folder)", () => {
  it.each(CASES)('$actor $op → allowed: $allowed ($rule)', async ({ actor, op, allowed }) => {
    // folderOwner: the folder's owner acting on a file the writer put in the folder.
    const target = await fixture(op, actor === 'folderOwner' ? 'writer' : 'owner');
    const client = driveFor(actor === 'folderOwner' ? 'owner' : actor);
    if (allowed) expectDone(fake, op, target, await runOp(fake, client, op, target));
    else await expectRefused(fake, client, op, target);
  });

  it("lets the owner of a file in someone else's folder trash, restore and delete it (it owns the file)", async () => {
    const writer = driveFor('writer');
    for (const op of ['trash', 'untrash', 'delete'] as const) {
      const target = await fixture(op, 'writer');
      expectDone(fake, op, target, await runOp(fake, writer, op, target));
    }
  });
});

describe('My Drive deletes and trash', () => {
  it(
    "deletes a folder with the deleter's files only; others' go to their owner's root, out of the folder " +
      "owner's view",
    async () => {
      const folder = await owner.files.create(
        { requestBody: { name: 'sub', mimeType: FOLDER_MIME, parents: [mailbox] }, fields: 'id' },
        at(fake),
      );
      const mine = await fixture('get', 'owner', folder.data.id!);
      const theirs = await fixture('get', 'writer', folder.data.id!);
      const token = (await owner.changes.getStartPageToken({}, at(fake))).data.startPageToken!;
      await owner.files.delete({ fileId: folder.data.id! }, at(fake));
      // files.delete: "If the target is a folder, all descendants owned by the user are also deleted."
      expect([fake.file(folder.data.id!), fake.file(mine.id)]).toEqual([undefined, undefined]);
      const writerRoot = fake.state.principals.byEmail('writer@example.com')!.rootId;
      expect(fake.file(theirs.id)?.parents).toEqual([writerRoot]);
      const changes = await owner.changes.list({ pageToken: token, fields: 'changes(fileId,removed)' }, at(fake));
      expect(changes.data.changes).toContainEqual({ fileId: theirs.id, removed: true });
      const seen = await driveFor('writer').files.get({ fileId: theirs.id, fields: 'id,parents' }, at(fake));
      expect(seen.data).toEqual({ id: theirs.id, parents: [writerRoot] });
    },
  );

  it('lists a trashed file to a sharee unless the query says trashed = false (current File.trashed)', async () => {
    const target = await fixture('untrash', 'owner');
    const list = (q: string) => driveFor('reader').files.list({ q, fields: 'files(id,trashed)' }, at(fake));
    expect((await list(`name = '${target.name}'`)).data.files).toEqual([{ id: target.id, trashed: true }]);
    expect((await list(`name = '${target.name}' and trashed = false`)).data.files).toEqual([]);
  });

  it('rejects share roles My Drive does not have', () => {
    expect(() => fake.share(mailbox, 'x@example.com', 'organizer' as ShareRole)).toThrow(/unknown role "organizer"/);
  });
});
