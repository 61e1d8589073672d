import { generateKeyPairSync } from 'node:crypto';
import { JWT, OAuth2Client } from 'google-auth-library';
import { drive } from 'googleapis/build/src/apis/drive/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { startDriveFake } from './server.ts';
import { at, driveError } from './test-helpers.ts';

const SA_EMAIL = 'worker@proj.iam.gserviceaccount.com';
let fake: DriveFake;

beforeAll(async () => {
  fake = await startDriveFake({
    principals: [
      { token: 'user-access', email: 'me@example.com', refreshToken: 'user-refresh', label: 'bot' },
      { token: 'sa-access', email: SA_EMAIL, kind: 'service_account', label: 'worker' },
    ],
  });
});
afterAll(() => fake.close());

function oauthClient(): OAuth2Client {
  // OAuth2Client takes its token URL from `endpoints.oauth2TokenUrl`.
  return new OAuth2Client({
    clientId: 'id',
    clientSecret: 'secret',
    endpoints: { oauth2TokenUrl: `${fake.url}/token` },
  });
}

describe('POST /token', () => {
  it("exchanges a registered refresh token for the principal's access token (OAuth2Client)", async () => {
    const auth = oauthClient();
    auth.setCredentials({ refresh_token: 'user-refresh' });
    const { token } = await auth.getAccessToken();
    expect(token).toBe('user-access');
    const res = await drive({ version: 'v3', auth }).about.get({ fields: 'user(emailAddress)' }, at(fake));
    expect(res.data.user?.emailAddress).toBe('me@example.com');
  });

  it('lets OAuth2Client recover from a stale access token: 401, refresh, one retry', async () => {
    fake.resetCounts();
    const auth = oauthClient();
    auth.setCredentials({ access_token: 'stale', refresh_token: 'user-refresh' });
    const res = await drive({ version: 'v3', auth }).files.list({}, at(fake));
    expect(res.status).toBe(200);
    expect(fake.counts().byPrincipal).toEqual({
      anonymous: { calls: { 'files.list': 1, token: 1 }, injected: {} },
      bot: { calls: { 'files.list': 1 }, injected: {} },
    });
  });

  it('answers a revoked refresh token with 400 invalid_grant', async () => {
    fake.addPrincipal({ token: 'short-lived', email: 'tester@example.com', refreshToken: 'seven-days' });
    fake.revokeRefreshToken('seven-days');
    const auth = oauthClient();
    auth.setCredentials({ refresh_token: 'seven-days' });
    const err = await driveError(auth.getAccessToken());
    expect(err.status).toBe(400);
    expect(err.body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('exchanges a service account JWT assertion (JWT client, token URL redirected by an interceptor)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const jwt = new JWT({ email: SA_EMAIL, key: privateKey, scopes: ['https://www.googleapis.com/auth/drive'] });
    // JWT has no token-URL option: gtoken posts to a hard-coded https://oauth2.googleapis.com/token
    // through the client's transporter, so a request interceptor rewrites that one URL.
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === 'https://oauth2.googleapis.com/token') config.url = new URL(`${fake.url}/token`);
        return config;
      },
    });
    const res = await drive({ version: 'v3', auth: jwt }).about.get({ fields: 'user(emailAddress)' }, at(fake));
    expect(res.data.user?.emailAddress).toBe(SA_EMAIL);

    const stranger = new JWT({
      email: 'stranger@proj.iam.gserviceaccount.com',
      key: privateKey,
      scopes: ['https://www.googleapis.com/auth/drive'],
    });
    stranger.transporter.interceptors.request.add({
      resolved: async (config) => ({ ...config, url: new URL(`${fake.url}/token`) }),
    });
    const err = await driveError(stranger.authorize());
    expect(err.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
  });

  it('rejects an unsupported grant type', async () => {
    const res = await fetch(`${fake.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'Invalid grant_type: password',
    });
  });
});
