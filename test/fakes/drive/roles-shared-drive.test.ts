import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { DRIVE_ROLES, FOLDER_MIME, type Role } from './model.ts';
import { SHARED_DRIVE_EXPECTED, type MatrixOp } from './role-expectations.ts';
import { expectDone, expectRefused, runOp, type Target } from './role-ops.ts';
import { SHARED_DRIVE_RULES, type Operation } from './role-rules.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let driveId: string;
let serial = 0;
const boss = driveFor('boss');

beforeAll(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'boss', email: 'boss@example.com' },
      ...DRIVE_ROLES.map((r) => ({ token: r, email: `${r}@example.com` })),
    ],
  });
  const members = Object.fromEntries(DRIVE_ROLES.map((r) => [`${r}@example.com`, r]));
  driveId = fake.createSharedDrive({ name: 'team', members: { 'boss@example.com': 'organizer', ...members } }).id;
});
afterAll(() => fake.close());

/** A file made by someone else (a Manager) in the drive root, trashed first for the untrash case. */
async function fixture(op: MatrixOp, parent = driveId): Promise<Target> {
  const name = `fx-${++serial}`;
  const res = await boss.files.create(
    {
      requestBody: { name, parents: [parent], properties: { k: 'v1' } },
      media: { body: 'v1' },
      supportsAllDrives: true,
      fields: 'id',
    },
    at(fake),
  );
  const id = res.data.id!;
  if (op === 'untrash') {
    await boss.files.update({ fileId: id, requestBody: { trashed: true }, supportsAllDrives: true }, at(fake));
  }
  return { id, name, parent };
}

const OPS = Object.keys(SHARED_DRIVE_EXPECTED) as MatrixOp[];
const CASES = DRIVE_ROLES.flatMap((role) =>
  OPS.map((op) => ({
    role,
    op,
    allowed: SHARED_DRIVE_EXPECTED[op].allowed.includes(role),
    rule: SHARED_DRIVE_EXPECTED[op].rule,
  })),
);

describe('shared drive role matrix (each role × each operation)', () => {
  it.each(CASES)('$role $op → allowed: $allowed ($rule)', async ({ role, op, allowed }) => {
    const target = await fixture(op);
    const client = driveFor(role);
    if (allowed) expectDone(fake, op, target, await runOp(fake, client, op, target));
    else await expectRefused(fake, client, op, target);
  });

  it('agrees with the rule table the fake enforces (role-rules.ts)', () => {
    const ruleOf: Record<MatrixOp, Operation> = {
      get: 'read',
      list: 'list',
      create: 'create',
      updateContent: 'edit',
      updateProperties: 'edit',
      trash: 'trash',
      untrash: 'untrash',
      delete: 'delete',
    };
    for (const op of OPS) {
      const enforced = [...SHARED_DRIVE_RULES[ruleOf[op]].allowed].sort();
      expect(enforced, op).toEqual([...SHARED_DRIVE_EXPECTED[op].allowed].sort());
    }
  });
});

describe('shared drive rules beyond the matrix', () => {
  it('judges by role, not by who created the item: a Contributor cannot trash or delete its own file', async () => {
    const own = await driveFor('writer').files.create(
      { requestBody: { name: 'mine', parents: [driveId] }, supportsAllDrives: true, fields: 'id' },
      at(fake),
    );
    const target = { id: own.data.id!, name: 'mine', parent: driveId };
    await expectRefused(fake, driveFor('writer'), 'trash', target);
    await expectRefused(fake, driveFor('writer'), 'delete', target);
  });

  it(
    'lets a Content manager trash but not permanently delete ' + 'a folder, and a Manager delete it with its contents',
    async () => {
      const folder = await boss.files.create(
        {
          requestBody: { name: 'requests', mimeType: FOLDER_MIME, parents: [driveId] },
          supportsAllDrives: true,
          fields: 'id',
        },
        at(fake),
      );
      const inside = await fixture('get', folder.data.id!);
      const target = { id: folder.data.id!, name: 'requests', parent: driveId };
      await expectRefused(fake, driveFor('fileOrganizer'), 'delete', target);
      await runOp(fake, driveFor('fileOrganizer'), 'trash', target);
      expect(fake.file(inside.id)?.trashed).toBe(true);
      await runOp(fake, driveFor('organizer'), 'delete', target);
      expect([fake.file(target.id), fake.file(inside.id)]).toEqual([undefined, undefined]);
    },
  );

  it('lets only Managers and Content managers move items within the drive (ref-roles footnote [1])', async () => {
    const folder = await boss.files.create(
      {
        requestBody: { name: 'sub', mimeType: FOLDER_MIME, parents: [driveId] },
        supportsAllDrives: true,
        fields: 'id',
      },
      at(fake),
    );
    const moves = (role: Role, t: Target) =>
      driveFor(role).files.update(
        {
          fileId: t.id,
          addParents: folder.data.id!,
          removeParents: driveId,
          supportsAllDrives: true,
          fields: 'parents',
        },
        at(fake),
      );
    const t = await fixture('get');
    expect(await driveError(moves('writer', t))).toMatchObject({ status: 403, reason: 'insufficientFilePermissions' });
    expect((await moves('fileOrganizer', t)).data.parents).toEqual([folder.data.id]);
  });

  it('refuses a Contributor creating a file already trashed, and everyone trashing the drive root', async () => {
    const trashedCreate = driveFor('writer').files.create(
      { requestBody: { name: 't', parents: [driveId], trashed: true }, supportsAllDrives: true },
      at(fake),
    );
    expect(await driveError(trashedCreate)).toMatchObject({ status: 403, reason: 'insufficientFilePermissions' });
    await expectRefused(fake, driveFor('organizer'), 'trash', { id: driveId, name: 'team', parent: driveId });
  });
});
