/**
 * The setup a community is told to use (docs/drive.md): the bot signed in as a
 * service account (GOOGLE_APPLICATION_CREDENTIALS: a key file whose `token_uri`
 * is the fake's `/token`; the fake decodes the JWT assertion without verifying
 * it, but google-auth-library must sign it, so the RSA key is made here), the
 * Colab worker signed in as a Google user (DRIVE_ACCESS_TOKEN), both Content
 * managers (`fileOrganizer`) of a Shared Drive in the Drive fake, and the mailbox
 * made in it by `npm run mailbox:init -- --parent <drive id>` as a process.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDriveFake, type DriveFake } from '../../fakes/drive/index.ts';
import { npmRun } from './bot-run.ts';
import { DriveCallTap } from './drive-call-tap.ts';
import { freshDir, plainEnv } from './env.ts';

/** The bot's service account. */
export const SERVICE_ACCOUNT = 'storyloom-bot@storyloom-community.iam.gserviceaccount.com';
/** The Google user the Colab notebook signs in as. */
export const COLAB_USER = 'colab@example.com';
/** The labels the fake counts each side's calls under (`counts().byPrincipal`). */
export const SIDES = { bot: 'bot', worker: 'worker' } as const;

/** A Drive fake with a Shared Drive holding the mailbox, and what each side needs to use it. */
export interface SharedDriveMailbox {
  fake: DriveFake;
  /** The tap both processes call the fake through, when asked for. */
  tap?: DriveCallTap;
  driveId: string;
  folderId: string;
  /** The settings that put `npm start` on this mailbox as the service account. */
  botEnv: Record<string, string>;
  /** The Colab user's access token (DRIVE_ACCESS_TOKEN). */
  workerToken: string;
  /** Every secret handed out (the key, its body, the tokens): none may ever be printed. */
  secrets: string[];
  /** What `npm run mailbox:init` printed. */
  initOutput: string;
  close(): Promise<void>;
}

/** A fresh RSA key in PKCS#8 PEM, as the Cloud console puts it in a service account key file. */
function rsaKey(): string {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return pair.privateKey;
}

/**
 * Starts the fake with both accounts, makes the Shared Drive with both as Content
 * managers, writes the service account's key file and runs `npm run mailbox:init`
 * as the service account. With `tap`, every process calls the fake through a
 * {@link DriveCallTap} (the token endpoint too).
 */
export async function startSharedDriveMailbox(options: { tap?: boolean } = {}): Promise<SharedDriveMailbox> {
  const secret = (what: string) => `${what}-${randomBytes(8).toString('hex')}`;
  const [botToken, workerToken] = ['sa-access', 'colab-access'].map(secret);
  const fake = await startDriveFake({
    principals: [
      { token: botToken, email: SERVICE_ACCOUNT, kind: 'service_account', label: SIDES.bot },
      { token: workerToken, email: COLAB_USER, label: SIDES.worker },
    ],
  });
  const members = { [SERVICE_ACCOUNT]: 'fileOrganizer', [COLAB_USER]: 'fileOrganizer' } as const;
  const drive = fake.createSharedDrive({ name: 'storyloom community', members });
  const tokens = { [botToken]: SIDES.bot, [workerToken]: SIDES.worker };
  const tap = options.tap ? await DriveCallTap.start(fake.url, tokens) : undefined;
  const url = tap?.url ?? fake.url;
  const privateKey = rsaKey();
  const keyFile = join(freshDir('storyloom-sa-'), 'service-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'storyloom-community',
      client_email: SERVICE_ACCOUNT,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey,
      token_uri: `${url}/token`,
    }),
  );
  const auth = { DRIVE_API_URL: url, GOOGLE_APPLICATION_CREDENTIALS: keyFile };
  const env = { ...plainEnv(), STORYLOOM_DATA_DIR: freshDir(), ...auth };
  const init = await npmRun('mailbox:init', ['--parent', drive.id], env);
  const folderId = /^\s*DRIVE_FOLDER_ID=(\S+)$/m.exec(init.out)?.[1];
  if (init.child.exitCode !== 0 || !folderId) {
    await tap?.close();
    await fake.close();
    throw new Error(`npm run mailbox:init failed or printed no DRIVE_FOLDER_ID:\n${init.describe()}`);
  }
  // The key's base64 body, line by line: a printed fragment of the key is a leak too.
  const keyLines = privateKey.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
  return {
    fake,
    tap,
    driveId: drive.id,
    folderId,
    workerToken,
    initOutput: init.out + init.err,
    secrets: [privateKey, ...keyLines, botToken, workerToken],
    botEnv: {
      STORYLOOM_MAILBOX: 'drive',
      DRIVE_FOLDER_ID: folderId,
      DRIVE_POLL_FAST_MS: '100',
      DRIVE_POLL_SLOW_MS: '1000',
      ...auth,
    },
    close: async () => {
      await tap?.close();
      await fake.close();
    },
  };
}
