/**
 * `npm start` on a Google Drive mailbox (the Drive fake), signed in as an OAuth
 * user through a token file, with the playground and the embedded worker: the
 * mailbox comes from `npm run mailbox:init`; the bot stays up past startup (where
 * it used to exit silently with code 0), a story gets its line with the embedded
 * worker answering over Drive, and SIGTERM ends it cleanly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNoSecrets, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
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

it('npm run mailbox:init prints the folder id and the settings to use', () => {
  expect(drive.initOutput).toMatch(/Mailbox ready in My Drive, as writer@example\.com/);
  expect(drive.initOutput).toMatch(/STORYLOOM_MAILBOX=drive/);
  expect(drive.fake.file(drive.folderId)).toBeTruthy();
  for (const secret of drive.secrets) expect(drive.initOutput.includes(secret)).toBe(false);
});

it('stays up, writes a line over Drive with the embedded worker, and stops on SIGTERM', async () => {
  const bot = npmStart('npm start (drive)', botEnv({ ...drive.botEnv, STORYLOOM_WORKER_ID: 'embedded-process-drive' }));
  const playground = new PlaygroundClient(await bot.playgroundUrl());
  expect(await bot.startupLine()).toMatch(/mailbox drive, chat playground, local worker auto/);
  // It used to end here, as startup's first mailbox reads waited on an unref'd poll timer: check it is still serving.
  await new Promise((r) => setTimeout(r, 3_000));
  expect(bot.running, bot.describe()).toBe(true);
  expect((await playground.health()).transport).toMatch(new RegExp(drive.folderId));

  const id = await playground.startStory('Dee', 'The ferry left at dawn --length 40');
  const story = await playground.waitForLines(id, 2, 90_000);
  expect(story.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Dee' } });
  expect((await playground.health()).worker).toMatchObject({ online: true, id: 'embedded-process-drive' });
  // Both sides went through Drive: the bot wrote the request, the embedded worker the response and its heartbeat.
  const names = drive.fake.files().map((f) => f.name);
  expect(names).toContain('embedded-process-drive.json');
  expect(drive.fake.counts().byPrincipal.bot.calls['files.create']).toBeGreaterThan(0);
  expect(bot.running).toBe(true);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  expectNoSecrets(bot, drive.secrets);
}, 180_000);
