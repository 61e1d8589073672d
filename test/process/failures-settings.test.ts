/**
 * Failed starts from settings, each as `npm start` really runs: a value out of
 * range, a bad secret, a Drive mailbox without its folder, without Google
 * credentials, or with half an OAuth client. Each prints one clear line naming
 * the key, exits 1, and leaves no process behind; a secret's value stays hidden.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { expectFailedStart } from './helpers/failed-start.ts';
import { killAllRuns } from './helpers/process-run.ts';

let drive: DriveMailbox;

beforeAll(async () => {
  drive = await startDriveMailbox();
}, 90_000);

afterAll(async () => {
  killAllRuns();
  await drive?.close();
  removeDataDirs();
});

describe('npm start with a bad setting fails clearly', () => {
  it('a value out of range: names the key and its value', async () => {
    await expectFailedStart('bad PLAYGROUND_PORT', botEnv({ PLAYGROUND_PORT: '99999' }), {
      forksWorker: false,
      says: /^storyloom: bad setting PLAYGROUND_PORT="99999": .*\.env\.example/,
    });
  }, 60_000);

  it('a bad secret: names the key, hides the value', async () => {
    const secrets = ['not-an-app-token-0123456789', 'xoxb-0123456789'];
    const env = botEnv({ SLACK_BOT_TOKEN: secrets[1]!, SLACK_APP_TOKEN: secrets[0]! });
    await expectFailedStart('bad SLACK_APP_TOKEN', env, {
      forksWorker: false,
      says: /^storyloom: bad setting SLACK_APP_TOKEN=\(hidden\)/,
      secrets,
    });
  }, 60_000);

  it('STORYLOOM_MAILBOX=drive without DRIVE_FOLDER_ID', async () => {
    await expectFailedStart('drive without a folder', botEnv({ STORYLOOM_MAILBOX: 'drive' }), {
      forksWorker: false,
      says: /^storyloom: STORYLOOM_MAILBOX=drive needs DRIVE_FOLDER_ID \(run `npm run mailbox:init`/,
    });
  }, 60_000);

  it('a Drive folder but no Google credentials', async () => {
    const env = botEnv({ STORYLOOM_MAILBOX: 'drive', DRIVE_FOLDER_ID: drive.folderId, DRIVE_API_URL: drive.fake.url });
    await expectFailedStart('drive without credentials', env, {
      forksWorker: false,
      says: /^storyloom: STORYLOOM_MAILBOX=drive needs Google credentials: .*OAUTH_CLIENT_ID.*GOOGLE_APPLICATION_CRED/,
    });
  }, 60_000);

  it('an OAuth client id without its secret', async () => {
    const env = botEnv({ ...drive.botEnv, GOOGLE_OAUTH_CLIENT_SECRET: '' });
    await expectFailedStart('drive without the client secret', env, {
      forksWorker: false,
      says: /^storyloom: GOOGLE_OAUTH_CLIENT_SECRET is missing/,
      secrets: drive.secrets,
    });
  }, 60_000);
});
