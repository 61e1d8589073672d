/**
 * Stories on a sharded bot (DISCORD_SHARDS=2), end to end: the Discord fake with two servers, one on each shard
 * (their ids built so), the real bot and core on one local mailbox shared by both shards, the Discord adapter's
 * one discord.js client running shards 0 and 1, and the embedded worker with the tiny model. Each server plays
 * /story and a Continue press at the same time; each interaction must reach the bot through its server's shard's
 * gateway session, and each line land in that server's story thread.
 */
import type { APIMessage, APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { DiscordAdapter } from '../../../src/chat/discord/adapter.ts';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import { INVITE_PERMISSIONS } from '../../../src/chat/discord/invite.ts';
import { deployCommands } from '../../../src/chat/discord/registration.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../../fakes/discord/index.ts';
import { guildIdOnShard } from '../../fakes/discord/shard-ids.ts';
import { startTestWorker, testConfig, testTransport } from '../../helpers/bot.ts';
import { testLog } from '../../helpers/log.ts';
import { tinyModel } from '../../helpers/models.ts';
import { customIds } from './world.ts';

describe('Discord with two shards in one process', () => {
  let fake: DiscordFake;
  let bot: Bot;
  let adapter: DiscordAdapter;
  let worker: Worker;
  const logs: string[] = [];
  let guilds: FakeGuild[];
  let ana: APIUser;
  let ben: APIUser;

  beforeAll(async () => {
    // Discord's identify window is enforced; max_concurrency 2 lets both shards identify at once.
    fake = await startDiscordFake({ maxConcurrency: 2, identifyIntervalMs: 5000 });
    const permissions = INVITE_PERMISSIONS.bitfield;
    guilds = [0, 1].map((shard) =>
      fake.addGuild({
        id: guildIdOnShard(shard, 2),
        name: `Shard ${shard}`,
        channels: ['stories'],
        botPermissions: permissions,
      }),
    );
    ana = fake.addUser({ username: 'ana', globalName: 'Ana' });
    ben = fake.addUser({ username: 'ben', globalName: 'Ben' });
    // No DISCORD_GUILD_ID: the commands are registered globally, for both servers.
    const config = testConfig({
      DISCORD_TOKEN: fake.botToken,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.restUrl,
      DISCORD_SHARDS: '2',
      STORYLOOM_MAX_IN_FLIGHT: '5',
    });
    await deployCommands(config);
    worker = await startTestWorker(config, await tinyModel());
    // Down to info, as world.ts: discord.js's own chatter (trace) is not what this test looks at.
    const { log } = testLog(logs, 'info');
    bot = await startBot(config, testTransport(config), { worker: false, log });
    adapter = new DiscordAdapter(config, bot.chat, log);
    await adapter.start();
    await goLive(bot);
  });

  afterAll(async () => {
    await adapter?.stop();
    await bot?.stop();
    await worker?.stop();
    await worker?.transport.close();
    await fake?.close();
  });

  /** The shards (`[id, count]`) whose sessions were sent the dispatch `t` with this id. */
  const deliveredBy = (t: string, id: string) =>
    fake
      .gatewayFrames({ direction: 'out', t })
      .filter((f) => (f.d as { id?: string }).id === id)
      .map((f) => f.shard);

  const lines = (threadId: string) => fake.channelMessages(threadId).filter((m) => customIds(m).length > 0);

  /** Plays /story, then Continue, in one server; returns what the checks need. */
  async function play(guild: FakeGuild, opening: string) {
    const story = fake.sendCommand({
      channelId: guild.channels[0]!.id,
      user: ana,
      name: 'story',
      options: { opening },
    });
    const reply = await fake.waitForOriginal(story.id, /✅/, 30_000);
    const threadId = reply.thread?.id ?? reply.id;
    const first: APIMessage = await fake.waitFor(() => lines(threadId)[0], 30_000, `a line in ${threadId}`);
    const press = fake.pressButton({ messageId: first.id, customId: customIds(first)[0]!, user: ben });
    await fake.waitForOriginal(press.id, new RegExp(LINE_POSTED), 30_000);
    return { story, press, threadId };
  }

  it('logs in with shards 0 and 1, one gateway session each', () => {
    expect(
      fake
        .gatewaySessions()
        .map((s) => [s.shard, s.connected])
        .sort(),
    ).toEqual([
      [[0, 2], true],
      [[1, 2], true],
    ]);
    expect(logs.join('\n')).toMatch(/logged in as storyloom-test-bot, in 2 server\(s\), shards 0,1 of 2/);
  });

  it('plays a story in each server at once: each interaction arrives on its server’s shard', async () => {
    const played = await Promise.all([play(guilds[0]!, 'The lighthouse keeper'), play(guilds[1]!, 'The ferryman')]);
    for (const [shard, { story, press, threadId }] of played.entries()) {
      expect(deliveredBy('INTERACTION_CREATE', story.id), `/story on shard ${shard}`).toEqual([[shard, 2]]);
      expect(deliveredBy('INTERACTION_CREATE', press.id), `Continue on shard ${shard}`).toEqual([[shard, 2]]);
      expect(deliveredBy('THREAD_CREATE', threadId), `its thread on shard ${shard}`).toEqual([[shard, 2]]);
      expect(fake.channel(threadId)).toMatchObject({ guild_id: guilds[shard]!.id });
      const posted = lines(threadId);
      expect(posted).toHaveLength(2);
      expect(posted.map((m) => m.content.split('\n').at(-1))).toEqual([
        expect.stringMatching(/the model \(.+\), asked by Ana$/),
        expect.stringMatching(/the model \(.+\), asked by Ben$/),
      ]);
      const stored = bot.stories.findByThread('discord', threadId)!;
      expect(stored.lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);
      expect(stored.place).toMatchObject({ platform: 'discord', thread: threadId });
    }
    expect(played[0]!.threadId).not.toBe(played[1]!.threadId);
  });
});
