import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { startDriveFake } from './server.ts';
import { at, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
const bot = driveFor('bot');
const worker = driveFor('worker');

beforeEach(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'bot', email: 'me@example.com' },
      { token: 'worker', email: 'me@example.com' },
    ],
  });
});
afterEach(() => fake.close());

/** `count` properties `p0`, `p1`, … */
const many = (count: number, value = 'x') =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, value]));

describe('public properties', () => {
  it(
    'come back through the fields masks of files.get, ' + 'files.list and changes.list, to another caller too',
    async () => {
      const token = (await worker.changes.getStartPageToken({}, at(fake))).data.startPageToken!;
      const { data } = await bot.files.create(
        {
          requestBody: { name: 'job.json', properties: { sl: 'head', sl0: 'é€😀' } },
          media: { mimeType: 'application/json', body: '{"v":1}' },
          fields: 'id',
        },
        at(fake),
      );
      const expected = { sl: 'head', sl0: 'é€😀' };
      expect((await worker.files.get({ fileId: data.id!, fields: 'properties' }, at(fake))).data).toEqual({
        properties: expected,
      });
      const listed = await worker.files.list(
        { q: "properties has { key='sl' and value='head' }", fields: 'files(name,properties)' },
        at(fake),
      );
      expect(listed.data.files).toEqual([{ name: 'job.json', properties: expected }]);
      const changes = await worker.changes.list(
        { pageToken: token, fields: 'changes(file(properties,sha256Checksum))' },
        at(fake),
      );
      expect(changes.data.changes).toEqual([
        { file: { properties: expected, sha256Checksum: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      ]);
    },
  );

  it('are merged by an update carrying new content (multipart), a null deleting a key', async () => {
    const { data } = await bot.files.create(
      { requestBody: { name: 'a.json', properties: { a: '1', b: '2' } }, media: { body: 'old' } },
      at(fake),
    );
    const updated = await bot.files.update(
      {
        fileId: data.id!,
        requestBody: { properties: { a: null as unknown as string, c: '3' } },
        media: { mimeType: 'application/json', body: 'new' },
        fields: 'properties,version',
      },
      at(fake),
    );
    expect(updated.data).toEqual({ properties: { b: '2', c: '3' }, version: '2' });
    expect(fake.file(data.id!)!.content).toBe('new');
  });

  it(
    'take 124 bytes of UTF-8, key and value together, ' + 'and refuse 125 with 403 propertyLengthLimitExceeded',
    async () => {
      const fits = await bot.files.create(
        { requestBody: { name: 'fits', properties: { k: 'v'.repeat(123), é: `${'€'.repeat(40)}x` } } },
        at(fake),
      );
      expect(fake.file(fits.data.id!)!.properties.k).toHaveLength(123);
      for (const properties of [{ k: 'v'.repeat(124) }, { é: '€'.repeat(41) }, { kk: '😀'.repeat(31) }] as Record<
        string,
        string
      >[]) {
        const error = await driveError(bot.files.create({ requestBody: { name: 'too long', properties } }, at(fake)));
        expect(error.status).toBe(403);
        expect(error.body.error).toEqual({
          code: 403,
          message:
            'Properties and app properties are limited to 124 bytes in UTF-8 encoding, ' +
            'counting both the key and the value.',
          errors: [
            { domain: 'global', reason: 'propertyLengthLimitExceeded', message: expect.stringContaining('124 bytes') },
          ],
        });
      }
      expect(fake.files().map((f) => f.name)).toEqual(['fits']);
    },
  );

  it('take 30 per file and refuse a 31st with 403 propertyCountLimitExceeded, leaving the file as it was', async () => {
    const { data } = await bot.files.create(
      { requestBody: { name: 'full', properties: many(30) }, media: { body: 'kept' } },
      at(fake),
    );
    expect(Object.keys(fake.file(data.id!)!.properties)).toHaveLength(30);
    const error = await driveError(
      bot.files.update(
        { fileId: data.id!, requestBody: { name: 'renamed', properties: { extra: 'y' } }, media: { body: 'lost' } },
        at(fake),
      ),
    );
    expect([error.status, error.reason]).toEqual([403, 'propertyCountLimitExceeded']);
    expect(fake.file(data.id!)).toMatchObject({ name: 'full', content: 'kept', version: 1 });
    // Deleting one in the same update makes room.
    await bot.files.update(
      { fileId: data.id!, requestBody: { properties: { p0: null as unknown as string, extra: 'y' } } },
      at(fake),
    );
    expect(Object.keys(fake.file(data.id!)!.properties)).toHaveLength(30);
    const created = await driveError(
      bot.files.create({ requestBody: { name: 'over', properties: many(31) } }, at(fake)),
    );
    expect([created.status, created.reason]).toEqual([403, 'propertyCountLimitExceeded']);
  });
});
