import { OAuth2Client } from 'google-auth-library';
import { drive } from 'googleapis/build/src/apis/drive/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { startDriveFake } from './server.ts';

let fake: DriveFake;

beforeAll(async () => {
  fake = await startDriveFake({ principals: [{ token: 't', email: 'me@example.com' }] });
});
afterAll(() => fake.close());

/** A client with a client-level rootUrl, recording where each request goes (uploads are stopped before leaving). */
function clientLevelRootUrl(): { client: ReturnType<typeof drive>; urls: string[] } {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 't' });
  const urls: string[] = [];
  auth.transporter.interceptors.request.add({
    resolved: async (config) => {
      urls.push(String(config.url));
      if (!String(config.url).startsWith(fake.url)) throw new Error('not sent: it would have gone to Google');
      return config;
    },
  });
  return { client: drive({ version: 'v3', auth, rootUrl: `${fake.url}/` }), urls };
}

describe('googleapis rootUrl', () => {
  it('honours a client-level rootUrl for plain calls but not for uploads, which need it per call', async () => {
    const { client, urls } = clientLevelRootUrl();
    await client.files.create({ requestBody: { name: 'metadata-only' } });
    await expect(client.files.create({ requestBody: { name: 'upload' }, media: { body: 'x' } })).rejects.toThrow(
      /not sent/,
    );
    await client.files.create({ requestBody: { name: 'upload' }, media: { body: 'x' } }, { rootUrl: `${fake.url}/` });
    expect(urls.map((u) => u.replace(fake.url, 'FAKE').replace(/\?.*/, ''))).toEqual([
      'FAKE/drive/v3/files',
      'https://www.googleapis.com/upload/drive/v3/files',
      'FAKE/upload/drive/v3/files',
    ]);
    expect(fake.files().map((f) => f.name)).toEqual(['metadata-only', 'upload']);
  });
});
