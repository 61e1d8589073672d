/** Credentials for the Drive mailbox: each way they can be wrong ends in a message that says what to do. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '../../../src/transport/drive/auth.ts';
import type { DriveTransport } from '../../../src/transport/drive/drive.ts';
import { MailboxError } from '../../../src/transport/drive/errors.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { DriveApi } from '../../../src/transport/drive/api.ts';
import { makeTransport } from '../../../src/transport/factory.ts';
import { CLIENT_ID, OTHER, SERVICE_ACCOUNT, startAuthWorld, USER, type AuthWorld } from './auth-world.ts';
import { apiFor } from './world.ts';
import type { Logger } from '../../../src/log.ts';
import { quietLog, testLog } from '../../helpers/log.ts';

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world.close());

const oauth = async (refreshToken: string, overrides: Record<string, string> = {}) =>
  world.config({
    GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: 'test-secret',
    GOOGLE_OAUTH_TOKEN_FILE: await world.tokenFile(refreshToken),
    ...overrides,
  });

/** Opens the bot's Drive mailbox for a configuration; returns it, or the error. */
async function openWith(
  config: ReturnType<AuthWorld['config']>,
  log: Logger = quietLog(),
): Promise<DriveTransport | MailboxError> {
  try {
    const transport = (await makeTransport(config, 'bot', log)) as DriveTransport;
    await transport.open();
    return transport;
  } catch (error) {
    if (error instanceof MailboxError) return error;
    throw error;
  }
}

async function failure(config: ReturnType<AuthWorld['config']>): Promise<MailboxError> {
  const result = await openWith(config);
  if (!(result instanceof MailboxError)) {
    await result.close();
    throw new Error('expected the mailbox not to open');
  }
  return result;
}

describe('missing or invalid credentials', () => {
  it('names both ways to sign in when there are no credentials', async () => {
    await expect(loadCredentials(world.config())).rejects.toThrow(
      new RegExp(
        /needs Google credentials: either GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET /.source +
          /.*npm run auth:google.*or GOOGLE_APPLICATION_CREDENTIALS/.source,
      ),
    );
    await expect(loadCredentials(world.config({ GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID }))).rejects.toThrow(
      /GOOGLE_OAUTH_CLIENT_SECRET is missing/,
    );
  });

  it('asks for `npm run auth:google` when there is no token yet, or it is for another client', async () => {
    const config = world.config({ GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET: 'test-secret' });
    await expect(loadCredentials(config)).rejects.toThrow(
      `no Google sign-in yet: ${join(world.dir, 'google-token.json')} does not exist. Run \`npm run auth:google\``,
    );
    const foreign = world.config({
      GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: 'test-secret',
      GOOGLE_OAUTH_TOKEN_FILE: await world.tokenFile('good-refresh', 'another-client.apps.googleusercontent.com'),
    });
    await expect(loadCredentials(foreign)).rejects.toThrow(/was made for another OAuth client/);
  });

  it('says what is wrong with a service account key file', async () => {
    await expect(
      loadCredentials(world.config({ GOOGLE_APPLICATION_CREDENTIALS: join(world.dir, 'nope.json') })),
    ).rejects.toThrow(/names .*nope\.json, which does not exist/);
    const clientFile = join(world.dir, 'client.json');
    writeFileSync(clientFile, JSON.stringify({ installed: { client_id: 'x', client_secret: 'y' } }));
    await expect(loadCredentials(world.config({ GOOGLE_APPLICATION_CREDENTIALS: clientFile }))).rejects.toThrow(
      /is an OAuth client file, not a service account key/,
    );
    writeFileSync(clientFile, '{not json');
    await expect(loadCredentials(world.config({ GOOGLE_APPLICATION_CREDENTIALS: clientFile }))).rejects.toThrow(
      /is not a service account key/,
    );
  });

  it('explains invalid_grant: sign in again, and the 7-day expiry of apps in "Testing"', async () => {
    const error = await failure(await oauth('seven-days'));
    expect(error.code).toBe('expired_grant');
    expect(error.message).toMatch(
      new RegExp(
        /refused the stored refresh token .*invalid_grant.*Run `npm run auth:google` again/.source +
          /.*"Testing", where refresh tokens expire after 7 days.*"In production"/.source,
      ),
    );
  });

  it('explains a service account key that Google refuses', async () => {
    const error = await failure(
      world.config({
        GOOGLE_APPLICATION_CREDENTIALS: world.keyFile('gone@storyloom-test.iam.gserviceaccount.com'),
        DRIVE_FOLDER_ID: world.sharedDriveMailbox,
      }),
    );
    expect(error.code).toBe('expired_grant');
    expect(error.message).toMatch(/refused the service account's key .*make a new key/);
  });

  it('explains an access token Drive no longer accepts (401)', async () => {
    const api = apiFor(world.fake, 'revoked-access');
    const error = await initMailbox(api, { folderId: world.myDriveMailbox }).catch((e: unknown) => e);
    expect((error as MailboxError).code).toBe('bad_credentials');
    expect((error as Error).message).toMatch(
      /Drive refused the credentials while opening the mailbox folder .*401.*sign in again with `npm run auth:google`/,
    );
  });
});

describe('folders, accounts and scopes', () => {
  it('says when the folder is not found or not shared with the account, naming both', async () => {
    const othersFolder = (await initMailbox(apiFor(world.fake, 'other-access'), { name: 'private' })).rootId;
    const error = await failure(await oauth('good-refresh', { DRIVE_FOLDER_ID: othersFolder }));
    expect(error.code).toBe('folder_not_found');
    expect(error.message).toContain(`the mailbox folder ${othersFolder} was not found, or is not shared with ${USER}`);
    expect(error.message).toMatch(
      /share the folder with me@example\.com as an editor \(My Drive\), or add me@example\.com /,
    );
    expect(error.message).toMatch(/to its Shared Drive as a "Content manager"/);
  });

  it('refuses a service account with a mailbox in My Drive: use a Shared Drive or user credentials', async () => {
    world.fake.share(world.myDriveMailbox, SERVICE_ACCOUNT);
    const error = await failure(world.config({ GOOGLE_APPLICATION_CREDENTIALS: world.keyFile(SERVICE_ACCOUNT) }));
    expect(error.code).toBe('service_account_quota');
    expect(error.message).toMatch(
      /a service account cannot store files in My Drive .*Shared Drive .*or use OAuth user credentials/,
    );
    const init = await initMailbox(apiFor(world.fake, 'sa-access'), { name: 'elsewhere' }).catch((e: unknown) => e);
    expect((init as MailboxError).code).toBe('service_account_quota');
  });

  it("refuses a token granted only drive.file, which cannot see the worker's files", async () => {
    const error = await failure(await oauth('narrow-refresh'));
    expect(error.code).toBe('scope_too_narrow');
    expect(error.message).toMatch(
      new RegExp(
        /granted https:\/\/www\.googleapis\.com\/auth\/drive\.file, /.source +
          /not https:\/\/www\.googleapis\.com\/auth\/drive.*cannot see the files the Colab worker creates/.source,
      ),
    );
  });

  it('gives up on a file another account owns in My Drive (delete, trash refused), and says what to do', async () => {
    world.fake.share(world.myDriveMailbox, OTHER);
    const mine = await openWith(await oauth('good-refresh'));
    const { log, messages: logs } = testLog();
    const theirs = await openWith(await oauth('other-refresh', { STORYLOOM_DATA_DIR: join(world.dir, 'other') }), log);
    if (mine instanceof MailboxError || theirs instanceof MailboxError) throw new Error('both should open');
    await mine.put('responses', 'r1.json', '{}');
    expect(await theirs.get('responses', 'r1.json')).toBe('{}');
    await theirs.delete('responses', 'r1.json');
    const said = logs.join('\n');
    expect(said).toMatch(/refused both deleting responses\/r1\.json .*only a file's owner may delete it/);
    expect(said).toMatch(/same Google account.*Shared Drive.*"Content manager"/);
    expect(theirs.cleanupProblems()?.unremovable).toBe(1);
    expect(await theirs.list('responses')).toEqual([]);
    expect(await mine.list('responses')).toEqual(['r1.json']);
    await mine.close();
    await theirs.close();
  });

  it('works with a service account and a Shared Drive, beside a user who is a member', async () => {
    const sa = await openWith(
      world.config({
        GOOGLE_APPLICATION_CREDENTIALS: world.keyFile(SERVICE_ACCOUNT),
        DRIVE_FOLDER_ID: world.sharedDriveMailbox,
      }),
    );
    const user = await openWith(
      await oauth('good-refresh', {
        DRIVE_FOLDER_ID: world.sharedDriveMailbox,
        STORYLOOM_DATA_DIR: join(world.dir, 'user'),
      }),
    );
    if (sa instanceof MailboxError || user instanceof MailboxError) throw new Error('both should open');
    expect(sa.description).toMatch(/\(Shared Drive /);
    await sa.put('requests', 'job.json', '{"from":"sa"}');
    expect(await user.get('requests', 'job.json')).toBe('{"from":"sa"}');
    await user.put('responses', 'job.json', '{"from":"user"}');
    expect(await sa.get('responses', 'job.json')).toBe('{"from":"user"}');
    await sa.delete('responses', 'job.json');
    await sa.close();
    await user.close();
  });

  it("uses the key file's token_uri for the service account's token", async () => {
    world.fake.resetCounts();
    const { auth, kind } = await loadCredentials(
      world.config({ GOOGLE_APPLICATION_CREDENTIALS: world.keyFile(SERVICE_ACCOUNT) }),
    );
    expect(kind).toBe('service_account');
    expect(await new DriveApi({ auth, kind, apiUrl: world.fake.url }).accountEmail()).toBe(SERVICE_ACCOUNT);
    expect(world.fake.counts().calls.token).toBe(1);
  });
});
