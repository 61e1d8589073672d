/**
 * The operations of the role matrix, run with the real googleapis client, and checks of what each did
 * (or, when refused, that nothing changed).
 */
import type { drive_v3 } from 'googleapis/build/src/apis/drive/index.js';
import { expect } from 'vitest';
import type { DriveFake, FileDump } from './drive-fake.ts';
import type { MatrixOp } from './role-expectations.ts';
import { at, driveError } from './test-helpers.ts';

/** A file to act on and the folder it sits in. */
export interface Target {
  id: string;
  name: string;
  parent: string;
}

/** Runs `op` on `target` as `client`; resolves with what googleapis returned. */
export function runOp(fake: DriveFake, client: drive_v3.Drive, op: MatrixOp, t: Target): Promise<unknown> {
  const opts = at(fake);
  const all = { supportsAllDrives: true };
  switch (op) {
    case 'get':
      return client.files.get({ fileId: t.id, fields: 'id,name', ...all }, opts);
    case 'list':
      return client.files.list(
        { q: `name = '${t.name}'`, fields: 'files(id)', includeItemsFromAllDrives: true, ...all },
        opts,
      );
    case 'create':
      return client.files.create(
        { requestBody: { name: `new-${t.name}`, parents: [t.parent] }, media: { body: 'x' }, fields: 'id', ...all },
        opts,
      );
    case 'updateContent':
      return client.files.update({ fileId: t.id, media: { body: 'v2' }, ...all }, opts);
    case 'updateProperties':
      return client.files.update({ fileId: t.id, requestBody: { properties: { k: 'v2' } }, ...all }, opts);
    case 'trash':
      return client.files.update({ fileId: t.id, requestBody: { trashed: true }, ...all }, opts);
    case 'untrash':
      return client.files.update({ fileId: t.id, requestBody: { trashed: false }, ...all }, opts);
    case 'delete':
      return client.files.delete({ fileId: t.id, ...all }, opts);
  }
}

/** Checks that an allowed `op` did what it says. */
export function expectDone(fake: DriveFake, op: MatrixOp, t: Target, result: unknown): void {
  const data = (result as { data?: Record<string, unknown> }).data ?? {};
  const file = fake.file(t.id);
  if (op === 'get') expect(data.id).toBe(t.id);
  if (op === 'list') expect(data.files).toEqual([{ id: t.id }]);
  if (op === 'create') expect(fake.file(String(data.id))?.name).toBe(`new-${t.name}`);
  if (op === 'updateContent') expect(file?.content).toBe('v2');
  if (op === 'updateProperties') expect(file?.properties).toEqual({ k: 'v2' });
  if (op === 'trash') expect(file?.trashed).toBe(true);
  if (op === 'untrash') expect(file?.trashed).toBe(false);
  if (op === 'delete') expect(file).toBeUndefined();
}

/** Runs `op`, which must be refused with Drive's 403, and checks that nothing changed. */
export async function expectRefused(fake: DriveFake, client: drive_v3.Drive, op: MatrixOp, t: Target): Promise<void> {
  const before: FileDump[] = fake.files();
  const err = await driveError(runOp(fake, client, op, t));
  expect(err).toMatchObject({
    status: 403,
    reason: 'insufficientFilePermissions',
    message: 'The user does not have sufficient permissions for this file.',
  });
  expect(fake.files()).toEqual(before);
}
