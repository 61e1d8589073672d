/**
 * `npm start` with Discord on (PLAYGROUND=off) against the Discord fake, on a
 * Drive mailbox (the Drive fake) with the embedded worker: the commands come from
 * `npm run deploy:discord` as a process, a /story sent through the fake gets its
 * line in the story's thread, and SIGTERM ends the bot cleanly (its gateway
 * session closed). No token is ever printed.
 */
import type { APIMessage, APIUser } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INVITE_PERMISSIONS } from '../../src/chat/discord/invite.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../fakes/discord/index.ts';
import { expectNoSecrets, npmRun, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, plainEnv, removeDataDirs } from './helpers/env.ts';
import { killAllRuns } from './helpers/process-run.ts';

let discord: DiscordFake;
let drive: DriveMailbox;
let guild: FakeGuild;
let ana: APIUser;
let settings: Record<string, string>;

beforeAll(async () => {
  [discord, drive] = await Promise.all([startDiscordFake(), startDriveMailbox()]);
  guild = discord.addGuild({ name: 'Writers', channels: ['stories'], botPermissions: INVITE_PERMISSIONS.bitfield });
  ana = discord.addUser({ username: 'ana', globalName: 'Ana' });
  settings = {
    DISCORD_TOKEN: discord.botToken,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_GUILD_ID: guild.id,
    DISCORD_API_URL: discord.restUrl,
  };
}, 90_000);

afterAll(async () => {
  killAllRuns();
  await discord?.close();
  await drive?.close();
  removeDataDirs();
});

/** The buttons' custom ids on a message. */
function customIds(message: APIMessage): string[] {
  const rows = (message.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
}

it('npm run deploy:discord registers the commands in the server', async () => {
  const deploy = await npmRun('deploy:discord', [], { ...plainEnv(), ...settings });
  expect(deploy.child.exitCode, deploy.describe()).toBe(0);
  expect(deploy.out).toMatch(new RegExp(`Registered \\d+ commands in server ${guild.id}`));
  expect(discord.commands(guild.id).map((c) => c.name)).toContain('story');
  expectNoSecrets(deploy, [discord.botToken]);
}, 60_000);

it('answers /story with a line in the thread, over the Drive mailbox, and stops on SIGTERM', async () => {
  const env = botEnv({ ...settings, ...drive.botEnv, PLAYGROUND: 'off', STORYLOOM_WORKER_ID: 'embedded-process-dc' });
  const bot = npmStart('npm start (discord)', env);
  expect(await bot.startupLine()).toMatch(/mailbox drive, chat discord, local worker auto/);
  // An info line (src/log.ts): on stdout.
  await bot.waitForOutput(/storyloom discord: logged in as storyloom-test-bot, in 1 server/, 30_000);
  await discord.waitForSession(10_000);

  const options = { opening: 'The lighthouse keeper', length: 40 };
  const sent = discord.sendCommand({ channelId: guild.channels[0]!.id, user: ana, name: 'story', options });
  const opening = await discord.waitForOriginal(sent.id, /✅/, 90_000);
  const threadId = opening.thread?.id ?? opening.id;
  const line = discord.channelMessages(threadId).find((m) => customIds(m).length > 0);
  expect(line?.content).toMatch(/the model \(small\), asked by Ana/);
  expect(customIds(line!).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'undo', 'end']);
  expect(bot.embeddedWorkers()).toHaveLength(1);
  expect(bot.running).toBe(true);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  expect(discord.gatewaySessions().filter((s) => s.connected)).toEqual([]);
  expectNoSecrets(bot, [discord.botToken, ...drive.secrets]);
}, 180_000);
