/**
 * `npm run auth:google`'s sign-in, driven like a browser would: the test
 * reads the consent URL, calls the loopback redirect itself, and the code is
 * exchanged at a token endpoint. The Drive fake's /token knows refresh tokens
 * and JWTs but not authorization codes, so a small endpoint in front of it
 * exchanges the one code (checking PKCE) and passes everything else on.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveTransport } from '../../../src/transport/drive/drive.ts';
import { MailboxError } from '../../../src/transport/drive/errors.ts';
import { makeDriveTransport } from '../../../src/transport/drive/from-config.ts';
import { signInToDrive } from '../../../src/transport/drive/sign-in.ts';
import { readTokenFile } from '../../../src/transport/drive/token-file.ts';
import { CLIENT_ID, startAuthWorld, USER, type AuthWorld } from './auth-world.ts';

let world: AuthWorld;
let endpoint: Server;
let tokenUrl: string;
/** What the consent page would hand out: the code's refresh token and granted scope. */
const grant = { challenge: '', refreshToken: 'good-refresh', scope: 'https://www.googleapis.com/auth/drive' };

beforeAll(async () => {
  world = await startAuthWorld();
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', async () => {
        const body = Buffer.concat(chunks).toString();
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'authorization_code') {
          const passed = await fetch(`${world.fake.url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          });
          res.writeHead(passed.status, { 'content-type': 'application/json' }).end(await passed.text());
          return;
        }
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          form.get('code') === 'the-code' &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(
          JSON.stringify(
            ok
              ? {
                  access_token: 'ignored',
                  refresh_token: grant.refreshToken,
                  scope: grant.scope,
                  expires_in: 3599,
                  token_type: 'Bearer',
                }
              : { error: 'invalid_grant', error_description: 'Bad code or verifier.' },
          ),
        );
      });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  endpoint.close();
  await world.close();
});

/** Runs the sign-in; `browser` plays the user's part once the consent URL is shown. */
async function signIn(browser: (consent: URL) => Promise<void>, tokenFile: string) {
  const config = world.config({
    GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: 'test-secret',
    GOOGLE_OAUTH_TOKEN_FILE: tokenFile,
  });
  let shown: Promise<void> = Promise.resolve();
  const result = await signInToDrive(config, {
    tokenUrl,
    authUrl: 'https://accounts.example.test/o/oauth2/v2/auth',
    timeoutMs: 10_000,
    onAuthUrl: (url) => {
      const consent = new URL(url);
      grant.challenge = consent.searchParams.get('code_challenge') ?? '';
      shown = browser(consent);
    },
  });
  await shown;
  return { result, config };
}

describe('npm run auth:google', () => {
  it(
    'asks for offline access to all of Drive, takes the ' + 'loopback redirect, and stores the refresh token (0600)',
    async () => {
      const tokenFile = `${world.dir}/signed-in/token.json`;
      let consentUrl: URL | undefined;
      const { result, config } = await signIn(async (consent) => {
        consentUrl = consent;
        const redirect = new URL(consent.searchParams.get('redirect_uri')!);
        expect(redirect.hostname).toBe('127.0.0.1');
        const wrong = await fetch(`${redirect}?code=the-code&state=not-the-state`);
        expect(wrong.status).toBe(400);
        const page = await fetch(`${redirect}?code=the-code&state=${consent.searchParams.get('state')}`);
        expect(await page.text()).toContain('signed in');
      }, tokenFile);
      expect(Object.fromEntries(consentUrl!.searchParams)).toMatchObject({
        access_type: 'offline',
        prompt: 'consent',
        scope: 'https://www.googleapis.com/auth/drive',
        response_type: 'code',
        code_challenge_method: 'S256',
        client_id: CLIENT_ID,
      });
      expect(result).toEqual({ path: tokenFile, email: USER });
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(await readTokenFile(tokenFile)).toMatchObject({
        client_id: CLIENT_ID,
        refresh_token: 'good-refresh',
        token_uri: tokenUrl,
      });
      // The stored token opens the mailbox.
      const transport = await makeDriveTransport(config, 'bot');
      await transport.open();
      expect(transport).toBeInstanceOf(DriveTransport);
      await transport.close();
    },
  );

  it('says so when the user does not allow access', async () => {
    const error = await signIn(async (consent) => {
      await fetch(
        `${consent.searchParams.get('redirect_uri')}?error=access_denied&state=${consent.searchParams.get('state')}`,
      );
    }, `${world.dir}/denied.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as Error).message).toMatch(/sign-in did not finish \(access_denied\)/);
  });

  it('refuses a grant narrower than the drive scope', async () => {
    grant.scope = 'https://www.googleapis.com/auth/drive.file';
    const error = await signIn(async (consent) => {
      await fetch(
        `${consent.searchParams.get('redirect_uri')}?code=the-code&state=${consent.searchParams.get('state')}`,
      );
    }, `${world.dir}/narrow.json`).catch((e: unknown) => e);
    grant.scope = 'https://www.googleapis.com/auth/drive';
    expect((error as MailboxError).code).toBe('scope_too_narrow');
  });
});
