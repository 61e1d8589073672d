/** makeTransport's Drive branch: a DriveTransport per side, each with its own state file; only the bot keeps house. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { DriveTransport } from '../../../src/transport/drive/drive.ts';
import { makeTransport } from '../../../src/transport/factory.ts';
import { LocalFolderTransport } from '../../../src/transport/local.ts';
import { CLIENT_ID, startAuthWorld, type AuthWorld } from './auth-world.ts';

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world.close());

describe('makeTransport', () => {
  it("makes a DriveTransport for STORYLOOM_MAILBOX=drive, keeping each side's page token apart", async () => {
    const config = world.config({
      GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: 'test-secret',
      GOOGLE_OAUTH_TOKEN_FILE: await world.tokenFile('good-refresh'),
    });
    const bot = await makeTransport(config, 'bot');
    const worker = await makeTransport(config, 'worker');
    expect(bot).toBeInstanceOf(DriveTransport);
    await bot.open();
    await worker.open();
    await bot.close();
    await worker.close();
    expect(existsSync(join(world.dir, 'drive-bot.json'))).toBe(true);
    expect(existsSync(join(world.dir, 'drive-worker.json'))).toBe(true);
  });

  it('still makes the local folder by default', async () => {
    expect(await makeTransport(parseConfig({ STORYLOOM_DATA_DIR: world.dir }), 'bot')).toBeInstanceOf(
      LocalFolderTransport,
    );
  });
});
