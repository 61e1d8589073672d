/**
 * A line is posted once on every platform even when the bot stops between
 * posting it and saving that it did. Core runs with the real Discord and Slack
 * adapters (on their protocol-level fakes) and the playground; the story store's
 * save of "delivered" throws, as if the bot died right after the post. Then the
 * same bot delivers again (the job client's retry), or a new bot starts over the
 * same mailbox and its startup sweep (`deliverUndelivered`) runs: either way,
 * each thread holds the line once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { goLive, startBot, type Bot } from '../../src/app.ts';
import { DiscordAdapter } from '../../src/chat/discord/adapter.ts';
import { INVITE_PERMISSIONS } from '../../src/chat/discord/invite.ts';
import { PlaygroundAdapter } from '../../src/chat/playground/adapter.ts';
import { createSlackAdapter } from '../../src/chat/slack/adapter.ts';
import type { Config } from '../../src/config.ts';
import type { Request } from '../../src/jobs/protocol.ts';
import type { StoryStore } from '../../src/stories/store.ts';
import { startDiscordFake, type DiscordFake } from '../fakes/discord/index.ts';
import { startSlackFake, type SlackFake } from '../fakes/slack/index.ts';
import { ctx, testConfig, testTransport } from '../helpers/bot.ts';
import { quietLog } from '../helpers/log.ts';
import { responseTo } from '../helpers/model-line.ts';
import { type LineEventData, openEvents } from '../helpers/playground.ts';

/** The platforms with a chat adapter here. */
type Chat = 'discord' | 'slack' | 'playground';

const TEXT: Record<Chat, string> = {
  discord: 'The ferry reached the island at noon.',
  slack: 'A gull followed the boat all the way.',
  playground: 'The lamp in the window went out.',
};

interface Running {
  bot: Bot;
  playgroundUrl: string;
  stop(): Promise<void>;
}

/** A bot with all three adapters started; `goLive` (and its startup sweep) is left to the test. */
async function startAll(config: Config): Promise<Running> {
  const log = quietLog();
  const bot = await startBot(config, testTransport(config), { worker: false, log });
  const playground = new PlaygroundAdapter(config, bot.chat, log);
  const slack = createSlackAdapter(config, bot.chat, log, { postIntervalMs: 10, clientPingTimeoutMs: 200 });
  const adapters = [new DiscordAdapter(config, bot.chat, log), slack, playground];
  for (const adapter of adapters) await adapter.start();
  return {
    bot,
    playgroundUrl: playground.url,
    async stop() {
      for (const adapter of adapters) await adapter.stop();
      await bot.stop();
    },
  };
}

/** Makes saving a line as delivered throw: the bot "dies" right after posting it. */
function dieBeforeMarking(stories: StoryStore): () => void {
  const update = stories.update;
  stories.update = ((id, change) =>
    update.call(stories, id, (before) => {
      const out = change(before);
      if (out.story.lines.some((l) => l.delivered && before.lines.some((b) => b.id === l.id && !b.delivered)))
        throw new Error('the bot stopped');
      return out;
    })) as StoryStore['update'];
  return () => {
    stories.update = update;
  };
}

describe('a line is posted once, though the bot stops between posting it and saving that it did', () => {
  let discord: DiscordFake;
  let slack: SlackFake;
  const running: Running[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await discord?.close();
    await slack?.close();
  });

  async function setUp() {
    discord = await startDiscordFake();
    slack = await startSlackFake();
    const discordChannel = discord.addGuild({
      name: 'Writers',
      channels: ['stories'],
      botPermissions: INVITE_PERMISSIONS.bitfield,
    }).channels[0]!.id;
    const slackChannel = slack.defaultChannel.id;
    const config = testConfig({
      DISCORD_TOKEN: discord.botToken,
      DISCORD_API_URL: discord.restUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      PLAYGROUND_PORT: '0',
      STORYLOOM_MAX_IN_FLIGHT: '5',
    });
    const first = await startAll(config);
    running.push(first);
    await goLive(first.bot);
    const root = (await slack.postUserMessage({ channel: slackChannel, text: 'A thread for the story.' })).message.ts;
    const threads = {
      discord: [discordChannel, discordChannel],
      slack: [slackChannel, root],
      playground: ['playground', null],
    } as const;
    // One story per platform, each waiting for its first model line.
    const jobs = new Map<Chat, string>();
    for (const [platform, [channel, thread]] of Object.entries(threads) as [Chat, readonly [string, string | null]][]) {
      const reply = await first.bot.core.start(
        ctx('ana', { platform, channel }),
        { seed: 'The ferry left at dawn.' },
        async (s) => ({ thread: thread ?? s.id, message: null }),
      );
      jobs.set(platform, reply.jobId!);
    }
    const counts = {
      discord: () => discord.channelMessages(discordChannel).filter((m) => m.content.startsWith(TEXT.discord)).length,
      slack: () =>
        slack
          .threadReplies(slackChannel, root)
          .filter((m) => m.blocks?.some((b) => String(b.block_id).startsWith('line:'))).length,
    };
    return { config, first, jobs, counts };
  }

  /** The bot gets each job's response, posts the line, and dies before it saves that it did. */
  async function postAndDie(bot: Bot, jobs: Map<Chat, string>): Promise<{ requests: Request[]; revive: () => void }> {
    const revive = dieBeforeMarking(bot.stories);
    const requests = [...jobs].map(([, jobId]) => bot.jobs.pending().find((r) => r.job_id === jobId)!);
    for (const request of requests) {
      const platform = request.reply.platform as Chat;
      await expect(bot.core.storyJobs.response(request, responseTo(request, TEXT[platform]))).rejects.toThrow(
        'the bot stopped',
      );
    }
    return { requests, revive };
  }

  const allDelivered = (bot: Bot) =>
    bot.stories.all().every((s) => s.lines.length === 2 && s.lines.every((l) => l.delivered));

  it('a new bot over the same mailbox: its startup sweep posts nothing again', async () => {
    const { config, first, jobs, counts } = await setUp();
    const firstFeed = await openEvents(first.playgroundUrl);
    await postAndDie(first.bot, jobs);
    expect([counts.discord(), counts.slack()]).toEqual([1, 1]);
    expect(slack.calls('conversations.replies')).toEqual([]); // a first delivery reads nothing
    expect(first.bot.stories.all().some((s) => s.lines.some((l) => !l.delivered))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(firstFeed.events.filter((e) => e.event === 'line')).toHaveLength(1);
    firstFeed.close();
    await running.pop()!.stop();

    discord.clearRequests();
    const second = await startAll(config);
    running.push(second);
    const feed = await openEvents(second.playgroundUrl);
    await goLive(second.bot);
    expect(allDelivered(second.bot)).toBe(true);
    expect([counts.discord(), counts.slack()]).toEqual([1, 1]);
    expect(discord.requests({ method: 'POST', route: '/channels/:channelId/messages' })).toEqual([]);
    expect(discord.requests({ method: 'GET', route: '/channels/:channelId/messages' })).toHaveLength(1);
    expect(slack.calls('conversations.replies')).toHaveLength(1);
    // The playground's pages draw threads from the story: the new bot tells them about the line once.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(feed.events.filter((e) => e.event === 'line').map((e) => (e.data as LineEventData).line.text)).toEqual([
      TEXT.playground,
    ]);
    feed.close();
  }, 30_000);

  it('the same bot, handling the response again (the job client retries it): nothing is posted again', async () => {
    const { first, jobs, counts } = await setUp();
    const feed = await openEvents(first.playgroundUrl);
    const { requests, revive } = await postAndDie(first.bot, jobs);
    revive();
    for (const request of requests)
      await first.bot.core.storyJobs.response(request, responseTo(request, 'ignored: applied already'));
    expect(allDelivered(first.bot)).toBe(true);
    expect(slack.calls('conversations.replies')).toHaveLength(1);
    expect([counts.discord(), counts.slack()]).toEqual([1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(feed.events.filter((e) => e.event === 'line')).toHaveLength(1);
    feed.close();
  }, 30_000);
});
