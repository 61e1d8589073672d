/**
 * A Discord world for end-to-end tests: the Discord fake with one server (a
 * `stories` channel, the bot holding exactly the invite's permissions), four
 * users (ana, ben, mod, who has Manage Server but is not on the allowlist, and
 * boss, the admin), the real bot and core on a temporary local mailbox, the
 * Discord adapter logged in through discord.js, and an in-process embedded
 * worker with the tiny model (unless a test starts it later).
 */
import { PermissionFlagsBits, type APIMessage, type APIUser } from 'discord.js';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { DiscordAdapter } from '../../../src/chat/discord/adapter.ts';
import { INVITE_PERMISSIONS } from '../../../src/chat/discord/invite.ts';
import { deployCommands } from '../../../src/chat/discord/registration.ts';
import type { Config } from '../../../src/config.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import type { Response } from '../../../src/jobs/protocol.ts';
import type { Story } from '../../../src/stories/schema.ts';
import {
  startDiscordFake,
  type DiscordFake,
  type DiscordFakeOptions,
  type FakeGuild,
  type SentInteraction,
} from '../../fakes/discord/index.ts';
import { startTestWorker, testConfig, testTransport } from '../../helpers/bot.ts';
import { testLog } from '../../helpers/log.ts';
import { tinyModel } from '../../helpers/models.ts';

/** Everything a Discord end-to-end test drives and checks. */
export interface DiscordWorld {
  fake: DiscordFake;
  guild: FakeGuild;
  channelId: string;
  ana: APIUser;
  ben: APIUser;
  /** Has Manage Server (so Discord shows /admin) but is not in DISCORD_ADMIN_IDS. */
  mod: APIUser;
  boss: APIUser;
  config: Config;
  bot: Bot;
  adapter: DiscordAdapter;
  /** The embedded worker; null until `startWorker` when the world started without one. */
  worker: Worker | null;
  /** Starts the embedded worker (for a world started with `{ worker: false }`). */
  startWorker(): Promise<Worker>;
  /** What the bot logged. */
  logs: string[];
  /** Moves the Discord adapter's clock on (pair it with the fake's `ageInteraction` to let a token's minutes pass). */
  advanceBotClock(ms: number): void;
  /** A user runs a slash command (in the stories channel unless told otherwise). */
  command(user: APIUser, name: string, options?: Record<string, string | number>, channelId?: string): SentInteraction;
  /** The admin runs `/admin action`; resolves with the answer once the worker's heartbeat confirms it. */
  admin(action: string): Promise<APIMessage>;
  /** A user presses a button on a message. */
  press(user: APIUser, message: APIMessage, customId: string): SentInteraction;
  /** Waits until a channel or thread holds at least `count` visible messages; returns them. */
  messages(channelId: string, count: number, timeoutMs?: number): Promise<APIMessage[]>;
  /** Starts a story and waits for its first line; returns the story, its thread and the interaction. */
  startStory(user: APIUser, seed: string): Promise<{ story: Story; threadId: string; sent: SentInteraction }>;
  /**
   * Stops the adapter and the bot, and starts new ones on the same mailbox (a restart); `whileDown` runs in
   * between, while no bot runs.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function startDiscordBot(
  config: Config,
  logs: string[],
  clock: () => number,
): Promise<{ bot: Bot; adapter: DiscordAdapter }> {
  // Down to info: discord.js's own chatter (trace) is not what these tests look at.
  const { log } = testLog(logs, 'info');
  const bot = await startBot(config, testTransport(config), { worker: false, log });
  const adapter = new DiscordAdapter(config, bot.chat, log, clock);
  await adapter.start();
  await goLive(bot);
  return { bot, adapter };
}

/**
 * Starts the fake (with `fake` options), registers the commands, and starts the worker (unless `worker: false`), the
 * bot and its Discord adapter.
 */
export async function startDiscordWorld(
  options: { worker?: boolean; fake?: DiscordFakeOptions; config?: Record<string, string> } = {},
): Promise<DiscordWorld> {
  const fake = await startDiscordFake(options.fake);
  const guild = fake.addGuild({ name: 'Writers', channels: ['stories'], botPermissions: INVITE_PERMISSIONS.bitfield });
  const ana = fake.addUser({ username: 'ana', globalName: 'Ana' });
  const ben = fake.addUser({ username: 'ben', globalName: 'Ben' });
  const mod = fake.addUser({
    username: 'mod',
    globalName: 'Mod',
    permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
  });
  const boss = fake.addUser({
    username: 'boss',
    globalName: 'Boss',
    permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
  });
  const config = testConfig({
    DISCORD_TOKEN: fake.botToken,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: guild.id,
    DISCORD_ADMIN_IDS: boss.id,
    DISCORD_API_URL: fake.restUrl,
    STORYLOOM_ADMIN_TIMEOUT_S: '15',
    STORYLOOM_MAX_IN_FLIGHT: '5',
    ...options.config,
  });
  await deployCommands(config);
  const startWorker = async () => startTestWorker(config, await tinyModel());
  const worker = options.worker === false ? null : await startWorker();
  const logs: string[] = [];
  let clockOffsetMs = 0;
  const clock = () => Date.now() + clockOffsetMs;
  let { bot, adapter } = await startDiscordBot(config, logs, clock);
  const channelId = guild.channels[0]!.id;

  const world: DiscordWorld = {
    fake,
    guild,
    channelId,
    ana,
    ben,
    mod,
    boss,
    config,
    bot,
    adapter,
    worker,
    logs,
    advanceBotClock: (ms) => {
      clockOffsetMs += ms;
    },
    async startWorker() {
      world.worker = await startWorker();
      return world.worker;
    },
    command: (user, name, options = {}, where = channelId) =>
      fake.sendCommand({ channelId: where, user, name, options }),
    async admin(action) {
      const sent = world.command(boss, 'admin', { action });
      return fake.waitForOriginal(sent.id, new RegExp(`${action} confirmed`), 20_000);
    },
    press: (user, message, customId) => fake.pressButton({ messageId: message.id, customId, user }),
    messages: (where, count, timeoutMs = 30_000) =>
      fake.waitFor(
        () => (fake.channelMessages(where).length >= count ? fake.channelMessages(where) : undefined),
        timeoutMs,
        `${count} messages in ${where}`,
      ),
    async startStory(user, seed) {
      const sent = world.command(user, 'story', { opening: seed });
      const opening = await fake.waitForOriginal(sent.id, /✅/, 30_000);
      const threadId = opening.thread?.id ?? opening.id;
      return { story: world.bot.stories.findByThread('discord', threadId)!, threadId, sent };
    },
    async restart(whileDown) {
      // A stopped process keeps no timers: the old bot's vote windows end with it (the new one resumes them).
      world.bot.core.storyJobs.votes.stop();
      await world.adapter.stop();
      await world.bot.stop();
      await whileDown?.();
      ({ bot, adapter } = await startDiscordBot(config, logs, clock));
      world.bot = bot;
      world.adapter = adapter;
    },
    async close() {
      await world.adapter.stop();
      await world.bot.stop();
      await world.worker?.stop();
      await world.worker?.transport.close();
      await fake.close();
    },
  };
  return world;
}

/** The buttons' custom ids on a message. */
export function customIds(message: APIMessage): string[] {
  const rows = (message.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
}

/** Text as it reads in Discord: Markdown escapes removed. */
export function unescaped(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Plays a worker that gives up on a job: writes its error response into the world's mailbox. */
export async function answerWithError(w: DiscordWorld, jobId: string, message: string): Promise<void> {
  const transport = testTransport(w.config);
  await transport.open();
  const response: Response = {
    v: 1,
    type: 'response',
    job_id: jobId,
    worker_id: 'embedded-test',
    finished_at: new Date().toISOString(),
    ok: false,
    error: { code: 'model_error', message },
  };
  await transport.put('responses', `${jobId}.json`, `${JSON.stringify(response)}\n`);
  await transport.close();
}
