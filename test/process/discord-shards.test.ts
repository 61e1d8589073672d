/**
 * `npm start` with DISCORD_SHARDS=2 (PLAYGROUND=off) against the Discord fake, on a local mailbox with the
 * embedded worker. The fake enforces Discord's identify window (5 s per max_concurrency bucket, max_concurrency 1),
 * so the two shards must identify one after the other. Both connect, a /story in the server on shard 1 gets its
 * line in its thread, and SIGTERM ends the bot cleanly with both sessions closed. A DISCORD_SHARDS naming a shard
 * that does not exist stops the start with a line naming the key.
 */
import type { APIMessage, APIUser } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INVITE_PERMISSIONS } from '../../src/chat/discord/invite.ts';
import { deployCommands } from '../../src/chat/discord/registration.ts';
import { parseConfig } from '../../src/config.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../fakes/discord/index.ts';
import { guildIdOnShard } from '../fakes/discord/shard-ids.ts';
import { expectNoSecrets, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { expectFailedStart } from './helpers/failed-start.ts';
import { killAllRuns } from './helpers/process-run.ts';

let discord: DiscordFake;
let guilds: FakeGuild[];
let ana: APIUser;
let settings: Record<string, string>;

beforeAll(async () => {
  discord = await startDiscordFake({ identifyIntervalMs: 5000 });
  guilds = [0, 1].map((shard) =>
    discord.addGuild({
      id: guildIdOnShard(shard, 2),
      name: `Shard ${shard}`,
      channels: ['stories'],
      botPermissions: INVITE_PERMISSIONS.bitfield,
    }),
  );
  ana = discord.addUser({ username: 'ana', globalName: 'Ana' });
  settings = {
    DISCORD_TOKEN: discord.botToken,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.restUrl,
  };
  // Global commands (no DISCORD_GUILD_ID), for both servers; `npm run deploy:discord` itself is tested elsewhere.
  await deployCommands(parseConfig(settings));
}, 60_000);

afterAll(async () => {
  killAllRuns();
  await discord?.close();
  removeDataDirs();
});

/** The buttons' custom ids on a message. */
function customIds(message: APIMessage): string[] {
  const rows = (message.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
}

it('runs both shards in one process, answers /story on shard 1, and stops on SIGTERM', async () => {
  const env = botEnv({ ...settings, DISCORD_SHARDS: '2', PLAYGROUND: 'off', STORYLOOM_WORKER_ID: 'embedded-shards' });
  const bot = npmStart('npm start (discord, 2 shards)', env);
  expect(await bot.startupLine()).toMatch(/chat discord, local worker auto/);
  expect(
    discord
      .gatewaySessions()
      .map((s) => [s.shard, s.connected])
      .sort(),
  ).toEqual([
    [[0, 2], true],
    [[1, 2], true],
  ]);
  expect(bot.out + bot.err).toMatch(/logged in as storyloom-test-bot, in 2 server\(s\), shards 0,1 of 2/);

  const channelId = guilds[1]!.channels[0]!.id;
  const options = { opening: 'The ferryman', length: 40 };
  const sent = discord.sendCommand({ channelId, user: ana, name: 'story', options });
  const opening = await discord.waitForOriginal(sent.id, /✅/, 90_000);
  const delivered = discord.gatewayFrames({ direction: 'out', t: 'INTERACTION_CREATE' });
  expect(delivered.filter((f) => (f.d as { id: string }).id === sent.id).map((f) => f.shard)).toEqual([[1, 2]]);
  const threadId = opening.thread?.id ?? opening.id;
  expect(discord.channel(threadId)).toMatchObject({ guild_id: guilds[1]!.id });
  const line = discord.channelMessages(threadId).find((m) => customIds(m).length > 0);
  expect(line?.content).toMatch(/the model \(small\), asked by Ana/);
  expect(bot.embeddedWorkers()).toHaveLength(1);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  expect(discord.gatewaySessions().filter((s) => s.connected)).toEqual([]);
  expectNoSecrets(bot, [discord.botToken]);
}, 180_000);

it('refuses DISCORD_SHARDS naming a shard that does not exist, with a line naming the key', async () => {
  const env = botEnv({ ...settings, DISCORD_SHARDS: '0,2/2', PLAYGROUND: 'off', STORYLOOM_LOCAL_WORKER: 'off' });
  await expectFailedStart('DISCORD_SHARDS out of range', env, {
    forksWorker: false,
    only: false,
    says: /^storyloom: bad setting DISCORD_SHARDS="0,2\/2": shard 2 does not exist in 2 shards/,
    secrets: [discord.botToken],
  });
  expect(discord.gatewaySessions()).toEqual([]);
}, 60_000);
