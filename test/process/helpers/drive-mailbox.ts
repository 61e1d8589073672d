/**
 * A Drive mailbox as a user sets one up: the Drive fake (in this process; the
 * commands only need its URL) with one Google account, an OAuth client and the
 * token file `npm run auth:google` would have stored (its `token_uri` is the
 * fake's `/token`, its refresh token registered there), and the mailbox made by
 * `npm run mailbox:init` as a process, which prints DRIVE_FOLDER_ID.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DRIVE_SCOPE } from '../../../src/transport/drive/mailbox-folders.ts';
import { writeTokenFile } from '../../../src/transport/drive/token-file.ts';
import { startDriveFake, type DriveFake } from '../../fakes/drive/index.ts';
import { npmRun } from './bot-run.ts';
import { freshDir, plainEnv } from './env.ts';

/** The Google account every principal here belongs to. */
export const DRIVE_USER = 'writer@example.com';

/** A Drive fake with a mailbox on it, and what the bot and a worker need to use it. */
export interface DriveMailbox {
  fake: DriveFake;
  folderId: string;
  /** The settings that put `npm start` on this mailbox as the OAuth user. */
  botEnv: Record<string, string>;
  /** An access token of the same account, for the Python worker (DRIVE_ACCESS_TOKEN). */
  workerToken: string;
  /** Every secret handed out: none may ever be printed. */
  secrets: string[];
  /** What `npm run mailbox:init` printed. */
  initOutput: string;
  close(): Promise<void>;
}

/** Starts the fake, signs the user in (a token file), and makes the mailbox with `npm run mailbox:init`. */
export async function startDriveMailbox(): Promise<DriveMailbox> {
  const secret = (what: string) => `${what}-${randomBytes(8).toString('hex')}`;
  const names = ['access', 'refresh', 'worker', 'client-secret'];
  const [accessToken, refreshToken, workerToken, clientSecret] = names.map(secret);
  const fake = await startDriveFake({
    principals: [
      { token: accessToken, email: DRIVE_USER, refreshToken, label: 'bot' },
      { token: workerToken, email: DRIVE_USER, label: 'worker' },
    ],
  });
  const clientId = 'storyloom-process-test.apps.googleusercontent.com';
  const tokenFile = join(freshDir('storyloom-google-'), 'google-token.json');
  await writeTokenFile(tokenFile, {
    type: 'authorized_user',
    client_id: clientId,
    refresh_token: refreshToken,
    scope: DRIVE_SCOPE,
    token_uri: `${fake.url}/token`,
    created_at: new Date().toISOString(),
  });
  const auth = {
    DRIVE_API_URL: fake.url,
    GOOGLE_OAUTH_CLIENT_ID: clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: clientSecret,
    GOOGLE_OAUTH_TOKEN_FILE: tokenFile,
  };
  const init = await npmRun('mailbox:init', [], { ...plainEnv(), STORYLOOM_DATA_DIR: freshDir(), ...auth });
  const folderId = /^\s*DRIVE_FOLDER_ID=(\S+)$/m.exec(init.out)?.[1];
  if (init.child.exitCode !== 0 || !folderId) {
    await fake.close();
    throw new Error(`npm run mailbox:init failed or printed no DRIVE_FOLDER_ID:\n${init.describe()}`);
  }
  return {
    fake,
    folderId,
    workerToken,
    initOutput: init.out + init.err,
    secrets: [accessToken, refreshToken, workerToken, clientSecret],
    botEnv: {
      STORYLOOM_MAILBOX: 'drive',
      DRIVE_FOLDER_ID: folderId,
      DRIVE_POLL_FAST_MS: '100',
      DRIVE_POLL_SLOW_MS: '1000',
      ...auth,
    },
    close: () => fake.close(),
  };
}
