import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { FOLDER_MIME } from './model.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let mailbox: string;
let shared: { id: string };
const user = driveFor('user-token');
const sa = driveFor('sa-token');
const narrow = driveFor('narrow-token');
const readonly = driveFor('ro-token');
const reader = driveFor('reader-token');

beforeAll(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'user-token', email: 'owner@example.com', label: 'bot' },
      { token: 'sa-token', email: 'worker@proj.iam.gserviceaccount.com', kind: 'service_account', label: 'worker' },
      { token: 'narrow-token', email: 'narrow@example.com', scope: 'drive.file' },
      { token: 'ro-token', email: 'owner@example.com', scope: 'drive.readonly' },
      { token: 'reader-token', email: 'reader@example.com' },
    ],
  });
  mailbox = (await user.files.create({ requestBody: { name: 'mailbox', mimeType: FOLDER_MIME } }, at(fake))).data.id!;
  fake.share(mailbox, 'worker@proj.iam.gserviceaccount.com');
  fake.share(mailbox, 'narrow@example.com');
  fake.share(mailbox, 'reader@example.com', 'reader');
  shared = fake.createSharedDrive({
    name: 'Storyloom',
    members: ['owner@example.com', 'worker@proj.iam.gserviceaccount.com'],
  });
});
afterAll(() => fake.close());

describe('authentication', () => {
  it('answers a missing token with 401 required and an unknown one with 401 authError', async () => {
    const res = await fetch(`${fake.url}/drive/v3/files`);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      errors: [{ reason: 'required' }],
    });
    const err = await driveError(driveFor('nobody').files.list({}, at(fake)));
    expect(err).toMatchObject({
      status: 401,
      reason: 'authError',
      message: expect.stringMatching(/^Request had invalid authentication credentials/),
    });
    expect(err.body.error.status).toBe('UNAUTHENTICATED');
  });
});

describe('visibility', () => {
  it('lets a sharee see a shared folder and what is in it, and nobody else see private files', async () => {
    const inside = await user.files.create({ requestBody: { name: 'req.json', parents: [mailbox] } }, at(fake));
    const mine = await user.files.create({ requestBody: { name: 'private' } }, at(fake));
    expect((await sa.files.get({ fileId: inside.data.id! }, at(fake))).data.name).toBe('req.json');
    const err = await driveError(sa.files.get({ fileId: mine.data.id! }, at(fake)));
    expect(err).toMatchObject({ status: 404, reason: 'notFound', message: `File not found: ${mine.data.id}.` });
    const listed = await sa.files.list({ fields: 'files(name)' }, at(fake));
    expect(listed.data.files!.map((f) => f.name)).toEqual(['mailbox', 'req.json']);
  });

  it('limits a drive.file principal to files it created (scope too narrow to see the other side)', async () => {
    const theirs = await user.files.create({ requestBody: { name: 'from-bot.json', parents: [mailbox] } }, at(fake));
    expect((await driveError(narrow.files.get({ fileId: theirs.data.id! }, at(fake)))).status).toBe(404);
    expect(
      (await driveError(narrow.files.create({ requestBody: { name: 'x', parents: [mailbox] } }, at(fake)))).status,
    ).toBe(404);
    const own = await narrow.files.create({ requestBody: { name: 'own' } }, at(fake));
    expect((await narrow.files.get({ fileId: own.data.id! }, at(fake))).data.name).toBe('own');
  });

  it(
    'refuses writes with a read-only scope (403 insufficientPermissions) ' +
      'or a reader share (403 insufficientFilePermissions)',
    async () => {
      const err = await driveError(readonly.files.create({ requestBody: { name: 'x' } }, at(fake)));
      expect(err).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
      expect(err.body.error.details![0]).toMatchObject({ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' });
      expect((await readonly.files.list({}, at(fake))).status).toBe(200);
      const denied = await driveError(
        reader.files.create({ requestBody: { name: 'x', parents: [mailbox] } }, at(fake)),
      );
      expect(denied).toMatchObject({ status: 403, reason: 'insufficientFilePermissions' });
    },
  );

  it('lets only the owner delete in My Drive', async () => {
    const f = await user.files.create({ requestBody: { name: 'owned', parents: [mailbox] } }, at(fake));
    const err = await driveError(sa.files.delete({ fileId: f.data.id! }, at(fake)));
    expect(err).toMatchObject({ status: 403, reason: 'insufficientFilePermissions' });
    expect((await user.files.delete({ fileId: f.data.id! }, at(fake))).status).toBe(204);
  });
});

describe('service accounts and shared drives', () => {
  it(
    'refuses a service account creating in My Drive, even in ' +
      'a user folder shared with it (403 storageQuotaExceeded)',
    async () => {
      const own = await driveError(sa.files.create({ requestBody: { name: 'x' }, media: { body: '{}' } }, at(fake)));
      expect(own).toMatchObject({
        status: 403,
        reason: 'storageQuotaExceeded',
        message: expect.stringMatching(/^Service Accounts do not have storage quota/),
      });
      expect(own.body.error.errors[0].domain).toBe('usageLimits');
      const inShared = await driveError(
        sa.files.create({ requestBody: { name: 'x', parents: [mailbox] }, media: { body: '{}' } }, at(fake)),
      );
      expect(inShared).toMatchObject({ status: 403, reason: 'storageQuotaExceeded' });
      const aFolder = await driveError(
        sa.files.create({ requestBody: { name: 'responses', mimeType: FOLDER_MIME } }, at(fake)),
      );
      expect(aFolder).toMatchObject({ status: 403, reason: 'storageQuotaExceeded' });
      expect(fake.files().filter((f) => f.creatorEmail.endsWith('gserviceaccount.com'))).toEqual([]);
    },
  );

  it('lets a service account write in a shared drive, reachable by id only with supportsAllDrives', async () => {
    const res = await sa.files.create(
      {
        requestBody: { name: 'resp.json', parents: [shared.id] },
        media: { body: '{}' },
        supportsAllDrives: true,
        fields: 'id,driveId',
      },
      at(fake),
    );
    expect(res.data.driveId).toBe(shared.id);
    expect((await driveError(user.files.get({ fileId: res.data.id! }, at(fake)))).status).toBe(404);
    expect((await user.files.get({ fileId: res.data.id!, supportsAllDrives: true }, at(fake))).data.name).toBe(
      'resp.json',
    );
    const hidden = await user.files.list({ q: "name = 'resp.json'" }, at(fake));
    expect(hidden.data.files).toEqual([]);
    const listed = await user.files.list(
      { q: "name = 'resp.json'", includeItemsFromAllDrives: true, supportsAllDrives: true },
      at(fake),
    );
    expect(listed.data.files!.map((f) => f.id)).toEqual([res.data.id]);
    const byDrive = await user.files.list(
      { corpora: 'drive', driveId: shared.id, includeItemsFromAllDrives: true, supportsAllDrives: true },
      at(fake),
    );
    expect(byDrive.data.files!.map((f) => f.id)).toEqual([res.data.id]);
    expect(
      (await driveError(reader.files.get({ fileId: res.data.id!, supportsAllDrives: true }, at(fake)))).status,
    ).toBe(404);
  });

  it('serves drives.get to members only, and about.get with the quota', async () => {
    const d = await sa.drives.get({ driveId: shared.id }, at(fake));
    expect(d.data).toEqual({ kind: 'drive#drive', id: shared.id, name: 'Storyloom' });
    expect((await driveError(reader.drives.get({ driveId: shared.id }, at(fake)))).status).toBe(404);
    const about = await sa.about.get({ fields: 'user(emailAddress),storageQuota(limit)' }, at(fake));
    expect(about.data).toEqual({
      user: { emailAddress: 'worker@proj.iam.gserviceaccount.com' },
      storageQuota: { limit: '0' },
    });
    expect((await driveError(sa.about.get({}, at(fake)))).reason).toBe('required');
  });
});
