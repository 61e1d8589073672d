import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

const KIB256 = 256 * 1024;
const LIMIT = 5 * 1024 * 1024;
const AUTH = { authorization: 'Bearer py' };

let fake: DriveFake;
const drive = driveFor('py');

beforeAll(async () => {
  fake = await startDriveFake({ principals: [{ token: 'py', email: 'worker@example.com', label: 'worker' }] });
});
beforeEach(() => {
  fake.clearFaults();
  fake.resetCounts();
});
afterAll(() => fake.close());

/** Bytes that differ at every position, so a misplaced chunk shows. */
function bytes(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return b;
}

/** A stored file's content (compared with `equals`: deep equality on big buffers is slow). */
function stored(id: string): Buffer {
  return Buffer.from(fake.file(id)!.contentBase64, 'base64');
}

async function send(method: string, url: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(url.startsWith('http') ? url : fake.url + url, {
    method,
    headers: { ...AUTH, ...headers },
    body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function newId(): Promise<string> {
  const res = await drive.files.generateIds({ count: 1, space: 'drive', type: 'files' }, at(fake));
  return res.data.ids![0];
}

/** Starts a resumable create; returns the session URI. */
async function startCreate(metadata: object, length?: number): Promise<string> {
  const res = await send(
    'POST',
    '/upload/drive/v3/files?uploadType=resumable&fields=id,name,size,mimeType',
    JSON.stringify(metadata),
    {
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-type': 'application/octet-stream',
      ...(length === undefined ? {} : { 'x-upload-content-length': String(length) }),
    },
  );
  expect(res.status).toBe(200);
  return res.headers.get('location')!;
}

const put = (uri: string, body: Buffer, range?: string) =>
  send('PUT', uri, body, range === undefined ? {} : { 'content-range': range });
const status = (uri: string, total: number | '*') => put(uri, Buffer.alloc(0), `bytes */${total}`);

describe('resumable uploads', () => {
  it('creates a file from one PUT, with the session URI on the fake, honouring fields', async () => {
    const data = bytes(1000);
    const id = await newId();
    const uri = await startCreate({ id, name: 'one.bin' }, data.length);
    expect(uri).toMatch(new RegExp(`^${fake.url}/upload/drive/v3/files\\?uploadType=resumable&upload_id=[\\w-]+$`));
    const res = await put(uri, data);
    expect(res).toMatchObject({
      status: 200,
      json: { id, name: 'one.bin', size: '1000', mimeType: 'application/octet-stream' },
    });
    expect(stored(id).equals(data)).toBe(true);
    expect(fake.counts().byPrincipal.worker.calls).toEqual({
      'files.generateIds': 1,
      'files.create': 1,
      'files.upload.chunk': 1,
    });
  });

  it('takes chunks of 256 KiB multiples, answering 308 with the Range so far, then 200', async () => {
    const data = bytes(2 * KIB256 + 100);
    const uri = await startCreate({ name: 'chunks.bin' });
    expect((await status(uri, '*')).headers.get('range')).toBeNull();
    const first = await put(uri, data.subarray(0, KIB256), `bytes 0-${KIB256 - 1}/*`);
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
    const second = await put(uri, data.subarray(KIB256, 2 * KIB256), `bytes ${KIB256}-${2 * KIB256 - 1}/*`);
    expect(second.headers.get('range')).toBe(`bytes=0-${2 * KIB256 - 1}`);
    const last = await put(uri, data.subarray(2 * KIB256), `bytes ${2 * KIB256}-${data.length - 1}/${data.length}`);
    expect(last.status).toBe(200);
    expect(stored(last.json.id).equals(data)).toBe(true);
    // The session answers the same to a late status query.
    expect(await status(uri, data.length)).toMatchObject({ status: 200, json: { id: last.json.id } });
  });

  it('replaces a file content with PATCH ?uploadType=resumable', async () => {
    const created = await drive.files.create(
      { requestBody: { name: 'model.bin' }, media: { body: 'old' }, fields: 'id' },
      at(fake),
    );
    const id = created.data.id!;
    const start = await send(
      'PATCH',
      `/upload/drive/v3/files/${id}?uploadType=resumable&fields=id,size,version`,
      undefined,
      { 'x-upload-content-type': 'application/octet-stream' },
    );
    expect(start.status).toBe(200);
    const uri = start.headers.get('location')!;
    expect(uri).toContain(`/upload/drive/v3/files/${id}?uploadType=resumable&upload_id=`);
    const data = bytes(KIB256 + 5, 3);
    expect((await put(uri, data.subarray(0, KIB256), `bytes 0-${KIB256 - 1}/${data.length}`)).status).toBe(308);
    const last = await put(uri, data.subarray(KIB256), `bytes ${KIB256}-${data.length - 1}/${data.length}`);
    expect(last).toMatchObject({ status: 200, json: { id, size: String(data.length), version: '2' } });
    expect(stored(id).equals(data)).toBe(true);
  });

  it('resumes after an interrupted chunk: a status query tells where to go on', async () => {
    const data = bytes(3 * KIB256 + 9);
    const uri = await startCreate({ name: 'resume.bin' }, data.length);
    const chunk = (k: number) => {
      const end = Math.min((k + 1) * KIB256, data.length);
      return put(uri, data.subarray(k * KIB256, end), `bytes ${k * KIB256}-${end - 1}/${data.length}`);
    };
    expect((await chunk(0)).status).toBe(308);
    fake.failNext({ method: 'files.upload.chunk', kind: 'drop' });
    await expect(chunk(1)).rejects.toThrow(); // no answer; nothing stored
    expect((await status(uri, data.length)).headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
    fake.failNext({ method: 'files.upload.chunk', kind: 'error503', afterEffect: true });
    expect((await chunk(1)).status).toBe(503); // stored, but the answer was lost
    expect((await status(uri, data.length)).headers.get('range')).toBe(`bytes=0-${2 * KIB256 - 1}`);
    // Resending a chunk the fake already has stores nothing and points at the right place.
    const stale = await chunk(1);
    expect(stale).toMatchObject({ status: 308 });
    expect(stale.headers.get('range')).toBe(`bytes=0-${2 * KIB256 - 1}`);
    expect((await chunk(2)).status).toBe(308);
    const done = await chunk(3);
    expect(done.status).toBe(200);
    expect(stored(done.json.id).equals(data)).toBe(true);
    expect(fake.counts().calls['files.upload.chunk']).toBe(7);
    expect(fake.counts().injected['files.upload.chunk']).toBe(2);
  });

  it('refuses a short chunk before the last, and a Content-Range that does not match the body', async () => {
    const uri = await startCreate({ name: 'bad.bin' });
    const short = await put(uri, bytes(1000), 'bytes 0-999/*');
    expect(short).toMatchObject({ status: 400, json: { error: { errors: [{ reason: 'badRequest' }] } } });
    expect((await put(uri, bytes(10), 'bytes 0-99/100')).status).toBe(400);
    expect((await put(uri, bytes(10), 'bytes=0-9/10')).status).toBe(400);
  });

  it('answers 404 for an unknown or expired session', async () => {
    const unknown = await put(`${fake.url}/upload/drive/v3/files?uploadType=resumable&upload_id=nope`, bytes(10));
    expect(unknown).toMatchObject({ status: 404, json: { error: { errors: [{ reason: 'notFound' }] } } });
    const uri = await startCreate({ name: 'expired.bin' });
    fake.expireUploads();
    expect((await status(uri, 10)).status).toBe(404);
  });

  it('answers 409 at initiation when the id is taken, so a retried create stays single', async () => {
    const id = await newId();
    expect((await put(await startCreate({ id, name: 'once.bin' }), bytes(10))).status).toBe(200);
    const again = await send(
      'POST',
      '/upload/drive/v3/files?uploadType=resumable',
      JSON.stringify({ id, name: 'once.bin' }),
      { 'content-type': 'application/json' },
    );
    expect(again).toMatchObject({ status: 409, json: { error: { errors: [{ reason: 'duplicate' }] } } });
    expect(fake.files().filter((f) => f.name === 'once.bin')).toHaveLength(1);
  });

  it('checks access at initiation, as the simple upload does', async () => {
    const res = await send(
      'POST',
      '/upload/drive/v3/files?uploadType=resumable',
      JSON.stringify({ name: 'x', parents: ['missing'] }),
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(404);
    expect((await send('PATCH', '/upload/drive/v3/files/missing?uploadType=resumable')).status).toBe(404);
  });
});

describe('the 5 MB limit on simple uploads', () => {
  it('refuses media and multipart bodies over 5 MB with 413, pointing at resumable uploads', async () => {
    const big = bytes(LIMIT + 1);
    const multipart = await driveError(
      drive.files.create(
        { requestBody: { name: 'big.bin' }, media: { body: 'x'.repeat(LIMIT + 1) } },
        at(fake, { retry: false }),
      ),
    );
    expect(multipart).toMatchObject({ status: 413, reason: 'uploadTooLarge' });
    expect(multipart.body.error.message).toMatch(/uploadType=multipart.*resumable/);
    const small = await drive.files.create(
      { requestBody: { name: 'small.bin' }, media: { body: 'x' }, fields: 'id' },
      at(fake),
    );
    const media = await send('PATCH', `/upload/drive/v3/files/${small.data.id}?uploadType=media`, big, {
      'content-type': 'application/octet-stream',
    });
    expect(media).toMatchObject({ status: 413, json: { error: { errors: [{ reason: 'uploadTooLarge' }] } } });
    expect(fake.files().filter((f) => f.name === 'big.bin')).toEqual([]);
    expect(fake.file(small.data.id!)?.content).toBe('x');
  });

  it('takes exactly 5 MB in one media upload', async () => {
    const small = await drive.files.create(
      { requestBody: { name: 'edge.bin' }, media: { body: 'x' }, fields: 'id' },
      at(fake),
    );
    const res = await send(
      'PATCH',
      `/upload/drive/v3/files/${small.data.id}?uploadType=media&fields=size`,
      bytes(LIMIT),
      { 'content-type': 'application/octet-stream' },
    );
    expect(res).toMatchObject({ status: 200, json: { size: String(LIMIT) } });
  });
});
