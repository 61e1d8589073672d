/**
 * A Drive fake with the accounts the auth tests need: a user with a working
 * refresh token, one whose token expired (an app left in "Testing"), one
 * granted only drive.file, another user, and a service account; a mailbox in
 * the user's My Drive and one in a Shared Drive. Keys are made at test time.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../../../src/config.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { writeTokenFile } from '../../../src/transport/drive/token-file.ts';
import { startDriveFake, type DriveFake } from '../../fakes/drive/index.ts';
import { apiFor } from './world.ts';

export const USER = 'me@example.com';
export const OTHER = 'other@example.com';
export const SERVICE_ACCOUNT = 'mailbox@storyloom-test.iam.gserviceaccount.com';
export const CLIENT_ID = 'storyloom-test-client.apps.googleusercontent.com';

/** The fake, the two mailboxes, and a scratch folder. */
export interface AuthWorld {
  fake: DriveFake;
  dir: string;
  myDriveMailbox: string;
  sharedDriveMailbox: string;
  /** A configuration for the Drive mailbox with these overrides. */
  config(overrides?: Record<string, string>): Config;
  /** Writes a token file for `refreshToken` and returns its path. */
  tokenFile(refreshToken: string, clientId?: string): Promise<string>;
  /** Writes a service account key file for `email` and returns its path. */
  keyFile(email: string): string;
  close(): Promise<void>;
}

let privateKey: string | undefined;
function testKey(): string {
  privateKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return privateKey;
}

/** Starts the fake with the accounts and both mailboxes. */
export async function startAuthWorld(): Promise<AuthWorld> {
  const fake = await startDriveFake({
    principals: [
      { token: 'user-access', email: USER, refreshToken: 'good-refresh', label: 'user' },
      { token: 'tester-access', email: 'tester@example.com', refreshToken: 'seven-days', label: 'tester' },
      {
        token: 'narrow-access',
        email: 'narrow@example.com',
        refreshToken: 'narrow-refresh',
        scope: 'drive.file',
        label: 'narrow',
      },
      { token: 'other-access', email: OTHER, refreshToken: 'other-refresh', label: 'other' },
      { token: 'sa-access', email: SERVICE_ACCOUNT, kind: 'service_account', label: 'sa' },
    ],
  });
  fake.revokeRefreshToken('seven-days');
  const myDriveMailbox = (await initMailbox(apiFor(fake, 'user-access'))).rootId;
  // Content managers, as docs/drive.md asks: they may trash what they are done with.
  const members = { [SERVICE_ACCOUNT]: 'fileOrganizer', [USER]: 'fileOrganizer' } as const;
  const shared = fake.createSharedDrive({ name: 'storyloom team', members });
  const sharedDriveMailbox = (await initMailbox(apiFor(fake, 'sa-access'), { parentId: shared.id })).rootId;
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-auth-'));
  let files = 0;
  return {
    fake,
    dir,
    myDriveMailbox,
    sharedDriveMailbox,
    config: (overrides = {}) =>
      parseConfig({
        STORYLOOM_DATA_DIR: dir,
        STORYLOOM_MAILBOX: 'drive',
        DRIVE_FOLDER_ID: myDriveMailbox,
        DRIVE_API_URL: fake.url,
        DRIVE_POLL_FAST_MS: '200',
        DRIVE_POLL_SLOW_MS: '1000',
        ...overrides,
      }),
    async tokenFile(refreshToken, clientId = CLIENT_ID) {
      const path = join(dir, `token-${files++}.json`);
      await writeTokenFile(path, {
        type: 'authorized_user',
        client_id: clientId,
        refresh_token: refreshToken,
        scope: '',
        token_uri: `${fake.url}/token`,
        created_at: new Date().toISOString(),
      });
      return path;
    },
    keyFile(email) {
      const path = join(dir, `key-${files++}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          type: 'service_account',
          client_email: email,
          private_key: testKey(),
          token_uri: `${fake.url}/token`,
        }),
      );
      return path;
    },
    async close() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
