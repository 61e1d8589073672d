import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { FOLDER_MIME } from './model.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
const drive = driveFor('bot-token');

beforeAll(async () => {
  fake = await startDriveFake({ principals: [{ token: 'bot-token', email: 'bot@example.com', label: 'bot' }] });
});
afterAll(() => fake.close());

async function folder(name: string, parents?: string[]): Promise<string> {
  const res = await drive.files.create(
    { requestBody: { name, mimeType: FOLDER_MIME, parents }, fields: 'id' },
    at(fake),
  );
  return res.data.id!;
}

describe('files.create', () => {
  it('takes a multipart upload (metadata + content) from googleapis', async () => {
    const parent = await folder('requests');
    const res = await drive.files.create(
      {
        requestBody: { name: 'job.json', parents: [parent], appProperties: { job: '1' } },
        media: { mimeType: 'application/json', body: '{"v":1}' },
        fields: 'id,name,mimeType,parents,size,md5Checksum,appProperties',
      },
      at(fake),
    );
    expect(res.data).toEqual({
      id: expect.any(String),
      name: 'job.json',
      mimeType: 'application/json',
      parents: [parent],
      size: '7',
      md5Checksum: createHash('md5').update('{"v":1}').digest('hex'),
      appProperties: { job: '1' },
    });
    expect(fake.file(res.data.id!)?.content).toBe('{"v":1}');
  });

  it('takes a streamed multipart body', async () => {
    const res = await drive.files.create(
      {
        requestBody: { name: 'streamed.bin' },
        media: { mimeType: 'application/octet-stream', body: Readable.from([Buffer.from([0, 1, 2, 255])]) },
      },
      at(fake),
    );
    expect(fake.file(res.data.id!)?.contentBase64).toBe(Buffer.from([0, 1, 2, 255]).toString('base64'));
  });

  it('takes a media-only upload, naming the file "Untitled"', async () => {
    const res = await drive.files.create({ media: { mimeType: 'text/plain', body: 'just bytes' } }, at(fake));
    expect(res.data).toEqual({ kind: 'drive#file', id: expect.any(String), name: 'Untitled', mimeType: 'text/plain' });
    expect(fake.file(res.data.id!)?.content).toBe('just bytes');
  });

  it('takes a metadata-only create into My Drive', async () => {
    const res = await drive.files.create(
      { requestBody: { name: 'empty' }, fields: 'name,size,parents,owners(emailAddress)' },
      at(fake),
    );
    const root = await drive.files.get({ fileId: 'root', fields: 'id,name' }, at(fake));
    expect(root.data.name).toBe('My Drive');
    expect(res.data).toEqual({
      name: 'empty',
      size: '0',
      parents: [root.data.id],
      owners: [{ emailAddress: 'bot@example.com' }],
    });
  });

  it('honours a generated id once: a retry with the same id gets 409 and creates nothing', async () => {
    const ids = await drive.files.generateIds({ count: 2, space: 'drive', type: 'files' }, at(fake));
    expect(ids.data).toMatchObject({ kind: 'drive#generatedIds', space: 'drive' });
    expect(ids.data.ids).toHaveLength(2);
    const id = ids.data.ids![0];
    const first = await drive.files.create({ requestBody: { id, name: 'once.json' }, media: { body: '{}' } }, at(fake));
    expect(first.data.id).toBe(id);
    const before = fake.files().length;
    const again = await driveError(
      drive.files.create({ requestBody: { id, name: 'once.json' }, media: { body: '{}' } }, at(fake)),
    );
    expect(again).toMatchObject({ name: 'GaxiosError', status: 409, reason: 'duplicate' });
    expect(fake.files().length).toBe(before);
  });

  it('rejects an id that generateIds never issued with 400 invalid', async () => {
    const err = await driveError(drive.files.create({ requestBody: { id: 'made-up-id', name: 'x' } }, at(fake)));
    expect(err).toMatchObject({ status: 400, reason: 'invalid', message: 'The provided file ID is not usable.' });
  });

  it('404s for a parent that does not exist', async () => {
    const err = await driveError(drive.files.create({ requestBody: { name: 'x', parents: ['nope'] } }, at(fake)));
    expect(err.status).toBe(404);
    expect(err.body).toEqual({
      error: {
        code: 404,
        message: 'File not found: nope.',
        errors: [
          {
            message: 'File not found: nope.',
            domain: 'global',
            reason: 'notFound',
            location: 'fileId',
            locationType: 'parameter',
          },
        ],
      },
    });
  });
});

describe('files.get', () => {
  it('returns the default fields, a fields mask, everything with *, and content with alt=media', async () => {
    const { data } = await drive.files.create(
      { requestBody: { name: 'r.json', description: 'd' }, media: { mimeType: 'application/json', body: '{"a":1}' } },
      at(fake),
    );
    const plain = await drive.files.get({ fileId: data.id! }, at(fake));
    expect(plain.data).toEqual({ kind: 'drive#file', id: data.id, name: 'r.json', mimeType: 'application/json' });
    const masked = await drive.files.get({ fileId: data.id!, fields: 'id,name' }, at(fake));
    expect(masked.data).toEqual({ id: data.id, name: 'r.json' });
    const all = await drive.files.get({ fileId: data.id!, fields: '*' }, at(fake));
    expect(all.data).toMatchObject({
      description: 'd',
      version: '1',
      trashed: false,
      createdTime: expect.stringMatching(/Z$/),
    });
    const media = await drive.files.get({ fileId: data.id!, alt: 'media' }, at(fake, { responseType: 'text' }));
    expect(media.data).toBe('{"a":1}');
  });

  it('rejects an unknown field in the mask with 400 invalidParameter', async () => {
    const { data } = await drive.files.create({ requestBody: { name: 'f' } }, at(fake));
    const err = await driveError(drive.files.get({ fileId: data.id!, fields: 'id,nmae' }, at(fake)));
    expect(err).toMatchObject({ status: 400, reason: 'invalidParameter', message: 'Invalid field selection nmae' });
  });

  it('404s for an unknown id', async () => {
    const err = await driveError(drive.files.get({ fileId: 'missing' }, at(fake)));
    expect(err).toMatchObject({ status: 404, reason: 'notFound', message: 'File not found: missing.' });
  });
});

describe('files.update and files.delete', () => {
  it('renames, merges appProperties, replaces content and moves between folders', async () => {
    const a = await folder('a');
    const b = await folder('b');
    const { data } = await drive.files.create(
      { requestBody: { name: 'm', parents: [a], appProperties: { x: '1', y: '2' } }, media: { body: 'old' } },
      at(fake),
    );
    // Drive deletes a property set to null; the generated type only allows strings.
    const renamed = await drive.files.update(
      {
        fileId: data.id!,
        addParents: b,
        removeParents: a,
        requestBody: { name: 'moved', appProperties: { y: null as unknown as string, z: '3' } },
        fields: 'name,parents,appProperties,version',
      },
      at(fake),
    );
    expect(renamed.data).toEqual({ name: 'moved', parents: [b], appProperties: { x: '1', z: '3' }, version: '2' });
    await drive.files.update({ fileId: data.id!, media: { mimeType: 'text/plain', body: 'new content' } }, at(fake));
    expect(fake.file(data.id!)?.content).toBe('new content');
  });

  it('refuses a second parent and a parents field in the body', async () => {
    const a = await folder('a2');
    const b = await folder('b2');
    const { data } = await drive.files.create({ requestBody: { name: 'one-parent', parents: [a] } }, at(fake));
    const twoParents = await driveError(drive.files.update({ fileId: data.id!, addParents: b }, at(fake)));
    expect(twoParents).toMatchObject({ status: 403, reason: 'cannotAddParent' });
    const inBody = await driveError(drive.files.update({ fileId: data.id!, requestBody: { parents: [b] } }, at(fake)));
    expect(inBody).toMatchObject({ status: 403, reason: 'fieldNotWritable' });
  });

  it('trashes a folder with its contents, then deletes it with 204', async () => {
    const f = await folder('to-trash');
    const { data: child } = await drive.files.create({ requestBody: { name: 'child', parents: [f] } }, at(fake));
    const trashed = await drive.files.update(
      { fileId: f, requestBody: { trashed: true }, fields: 'trashed,explicitlyTrashed' },
      at(fake),
    );
    expect(trashed.data).toEqual({ trashed: true, explicitlyTrashed: true });
    expect((await drive.files.get({ fileId: child.id!, fields: 'trashed' }, at(fake))).data.trashed).toBe(true);
    const deleted = await drive.files.delete({ fileId: f }, at(fake));
    expect(deleted.status).toBe(204);
    expect(fake.file(f)).toBeUndefined();
    expect(fake.file(child.id!)).toBeUndefined();
    expect((await driveError(drive.files.get({ fileId: f }, at(fake)))).status).toBe(404);
  });
});
