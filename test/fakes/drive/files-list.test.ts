import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { FOLDER_MIME } from './model.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
let inbox: string;
let middleCreated: string;
const drive = driveFor('t');
const names = ['b.json', 'a.json', "it's.json", 'back\\slash.txt', 'HelloWorld.txt'];

beforeAll(async () => {
  fake = await startDriveFake({ principals: [{ token: 't', email: 'me@example.com' }] });
  inbox = (await drive.files.create({ requestBody: { name: 'inbox', mimeType: FOLDER_MIME }, fields: 'id' }, at(fake)))
    .data.id!;
  for (const [i, name] of names.entries()) {
    const res = await drive.files.create(
      {
        requestBody: { name, parents: [inbox], appProperties: { n: String(i) } },
        media: { mimeType: 'application/json', body: `{"n":${i}}` },
        fields: 'createdTime',
      },
      at(fake),
    );
    if (i === 2) middleCreated = res.data.createdTime!;
  }
  await drive.files.create({ requestBody: { name: 'sub', mimeType: FOLDER_MIME, parents: [inbox] } }, at(fake));
});
afterAll(() => fake.close());

async function namesFor(q: string, orderBy = 'createdTime'): Promise<string[]> {
  const res = await drive.files.list({ q, orderBy, fields: 'files(name)' }, at(fake));
  return res.data.files!.map((f) => f.name!);
}

describe('files.list q', () => {
  it.each([
    [`'INBOX' in parents and name = 'a.json'`, ['a.json']],
    [
      `'INBOX' in parents and name != 'a.json' and mimeType != '${FOLDER_MIME}'`,
      ['b.json', "it's.json", 'back\\slash.txt', 'HelloWorld.txt'],
    ],
    [`name = 'it\\'s.json'`, ["it's.json"]],
    [`name = 'back\\\\slash.txt'`, ['back\\slash.txt']],
    [`name contains 'hello'`, ['HelloWorld.txt']],
    [`name contains 'World'`, []],
    [`name contains '.json' and not name contains 'b'`, ['a.json', "it's.json"]],
    [`(name = 'a.json' or name = 'b.json') and trashed = false`, ['b.json', 'a.json']],
    [
      `not (name contains '.json' or mimeType = '${FOLDER_MIME}') and 'INBOX' in parents`,
      ['back\\slash.txt', 'HelloWorld.txt'],
    ],
    [`mimeType = '${FOLDER_MIME}'`, ['inbox', 'sub']],
    [`appProperties has { key='n' and value='3' }`, ['back\\slash.txt']],
    [`createdTime > 'MIDDLE' and mimeType contains 'json'`, ['back\\slash.txt', 'HelloWorld.txt']],
    [`createdTime <= 'MIDDLE' and 'INBOX' in parents`, ['b.json', 'a.json', "it's.json"]],
    [`'me@example.com' in owners and 'me' in writers and name contains 'a.'`, ['a.json']],
    [`'root' in parents`, ['inbox']],
  ])('%s', async (q, expected) => {
    expect(await namesFor(q.replaceAll('INBOX', inbox).replaceAll('MIDDLE', middleCreated))).toEqual(expected);
  });

  it('searches content with fullText, and refuses orderBy with it as Drive does', async () => {
    const res = await drive.files.list({ q: `fullText contains '"n":4'`, fields: 'files(name)' }, at(fake));
    expect(res.data.files).toEqual([{ name: 'HelloWorld.txt' }]);
    const err = await driveError(drive.files.list({ q: `fullText contains 'x'`, orderBy: 'name' }, at(fake)));
    expect(err).toMatchObject({ status: 400, reason: 'badRequest' });
    expect(err.message).toMatch(/^Sorting is not supported for queries with fullText terms/);
  });

  it("answers a malformed q with Drive's 400 invalid on parameter q", async () => {
    const err = await driveError(drive.files.list({ q: "name = 'a' and (" }, at(fake)));
    expect(err).toMatchObject({ status: 400, reason: 'invalid', message: 'Invalid Value' });
    expect(err.body.error.errors[0]).toMatchObject({ location: 'q', locationType: 'parameter' });
    expect(err.body.error.details![0].detail).toMatch(/^Invalid query "name = 'a' and \(": Unexpected end of query/);
  });
});

describe('files.list paging, order and fields', () => {
  it('pages with pageSize and nextPageToken until the end', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await drive.files.list(
        { q: `'${inbox}' in parents`, pageSize: 2, pageToken, orderBy: 'name' },
        at(fake),
      );
      seen.push(...res.data.files!.map((f) => f.name!));
      pageToken = res.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(['a.json', 'b.json', 'back\\slash.txt', 'HelloWorld.txt', "it's.json", 'sub']);
  });

  it('orders by several keys and directions', async () => {
    const q = `'${inbox}' in parents`;
    expect(await namesFor(q, 'name desc')).toEqual([
      'sub',
      "it's.json",
      'HelloWorld.txt',
      'back\\slash.txt',
      'b.json',
      'a.json',
    ]);
    expect(await namesFor(q, 'folder,createdTime desc')).toEqual([
      'sub',
      'HelloWorld.txt',
      'back\\slash.txt',
      "it's.json",
      'a.json',
      'b.json',
    ]);
  });

  it('searches only the drive space', async () => {
    expect((await drive.files.list({ spaces: 'appDataFolder' }, at(fake))).data.files).toEqual([]);
    expect(
      (await drive.files.list({ spaces: 'drive,appDataFolder', q: "name = 'a.json'" }, at(fake))).data.files,
    ).toHaveLength(1);
  });

  it("returns Drive's default list shape without fields, and only the mask with it", async () => {
    const plain = await drive.files.list({ q: "name = 'a.json'" }, at(fake));
    expect(plain.data).toEqual({
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: [{ kind: 'drive#file', id: expect.any(String), name: 'a.json', mimeType: 'application/json' }],
    });
    const masked = await drive.files.list(
      { q: "name = 'a.json'", fields: 'files(id,name,parents),nextPageToken' },
      at(fake),
    );
    expect(masked.data).toEqual({ files: [{ id: expect.any(String), name: 'a.json', parents: [inbox] }] });
  });

  it.each([
    [{ pageSize: 1001 }, 'pageSize'],
    [{ orderBy: 'size' }, 'orderBy'],
    [{ pageToken: 'garbage' }, 'pageToken'],
    [{ fields: 'files(id,bogus)' }, 'fields'],
    [{ includeItemsFromAllDrives: true }, 'includeItemsFromAllDrives'],
    [{ spaces: 'photoz' }, 'spaces'],
    [{ corpora: 'drive' }, 'driveId'],
  ])('rejects bad parameters %j', async (params, location) => {
    const err = await driveError(drive.files.list(params, at(fake)));
    expect(err.status).toBe(400);
    expect(err.body.error.errors[0].location).toBe(location);
  });
});

describe('files.list lag', () => {
  it('with listLagMs, lists new and renamed files only after the lag, while get by id sees them at once', async () => {
    const lagged = await startDriveFake({ listLagMs: 300, principals: [{ token: 't', email: 'me@example.com' }] });
    try {
      const { data } = await drive.files.create({ requestBody: { name: 'fresh.json' } }, at(lagged));
      const listNames = async () =>
        (await drive.files.list({ fields: 'files(name)' }, at(lagged))).data.files!.map((f) => f.name);
      expect(await listNames()).toEqual([]);
      expect((await drive.files.get({ fileId: data.id! }, at(lagged))).data.name).toBe('fresh.json');
      await new Promise((r) => setTimeout(r, 350));
      expect(await listNames()).toEqual(['fresh.json']);
      await drive.files.update({ fileId: data.id!, requestBody: { name: 'renamed.json' } }, at(lagged));
      expect(await listNames()).toEqual(['fresh.json']);
      await new Promise((r) => setTimeout(r, 350));
      expect(await listNames()).toEqual(['renamed.json']);
    } finally {
      await lagged.close();
    }
  });
});
