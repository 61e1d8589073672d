/**
 * A Discord world for end-to-end tests: the Discord fake with one server (a
 * `stories` channel, the bot holding exactly the invite's permissions), three
 * users (ana, ben, and boss, the admin), the real bot and core on a temporary
 * local mailbox, the Discord adapter logged in through discord.js, and an
 * in-process embedded worker with the tiny model.
 */
import { PermissionFlagsBits, type APIMessage, type APIUser } from 'discord.js';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { DiscordAdapter } from '../../../src/chat/discord/adapter.ts';
import { INVITE_PERMISSIONS } from '../../../src/chat/discord/invite.ts';
import { deployCommands } from '../../../src/chat/discord/registration.ts';
import type { Config } from '../../../src/config.ts';
import type { EmbeddedWorker } from '../../../src/engine/worker.ts';
import type { Story } from '../../../src/stories/schema.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild, type SentInteraction } from '../../fakes/discord/index.ts';
import { startTestWorker, testConfig, testTransport } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';

/** Everything a Discord end-to-end test drives and checks. */
export interface DiscordWorld {
  fake: DiscordFake;
  guild: FakeGuild;
  channelId: string;
  ana: APIUser;
  ben: APIUser;
  boss: APIUser;
  config: Config;
  bot: Bot;
  adapter: DiscordAdapter;
  worker: EmbeddedWorker;
  /** What the bot logged. */
  logs: string[];
  /** A user runs a slash command (in the stories channel unless told otherwise). */
  command(user: APIUser, name: string, options?: Record<string, string | number>, channelId?: string): SentInteraction;
  /** A user presses a button on a message. */
  press(user: APIUser, message: APIMessage, customId: string): SentInteraction;
  /** Waits until a channel or thread holds at least `count` visible messages; returns them. */
  messages(channelId: string, count: number, timeoutMs?: number): Promise<APIMessage[]>;
  /** Starts a story and waits for its first line; returns the story, its thread and the interaction. */
  startStory(user: APIUser, seed: string): Promise<{ story: Story; threadId: string; sent: SentInteraction }>;
  /** Stops the adapter and the bot, and starts new ones on the same mailbox (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function startDiscordBot(config: Config, logs: string[]): Promise<{ bot: Bot; adapter: DiscordAdapter }> {
  const log = (m: string) => void logs.push(m);
  const bot = await startBot(config, testTransport(config), { worker: false, log });
  const adapter = new DiscordAdapter(config, bot, log);
  await adapter.start();
  await goLive(bot);
  return { bot, adapter };
}

/** Starts the fake, registers the commands, and starts the worker, the bot and its Discord adapter. */
export async function startDiscordWorld(): Promise<DiscordWorld> {
  const fake = await startDiscordFake();
  const guild = fake.addGuild({ name: 'Writers', channels: ['stories'], botPermissions: INVITE_PERMISSIONS.bitfield });
  const ana = fake.addUser({ username: 'ana', globalName: 'Ana' });
  const ben = fake.addUser({ username: 'ben', globalName: 'Ben' });
  const boss = fake.addUser({ username: 'boss', globalName: 'Boss', permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages });
  const config = testConfig({
    DISCORD_TOKEN: fake.botToken, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_GUILD_ID: guild.id,
    DISCORD_ADMIN_IDS: boss.id, DISCORD_API_URL: fake.restUrl, STORYLOOM_ADMIN_TIMEOUT_S: '15', STORYLOOM_MAX_IN_FLIGHT: '5',
  });
  await deployCommands(config);
  const worker = await startTestWorker(config, await tinyModel());
  const logs: string[] = [];
  let { bot, adapter } = await startDiscordBot(config, logs);
  const channelId = guild.channels[0]!.id;

  const world: DiscordWorld = {
    fake, guild, channelId, ana, ben, boss, config, bot, adapter, worker, logs,
    command: (user, name, options = {}, where = channelId) => fake.sendCommand({ channelId: where, user, name, options }),
    press: (user, message, customId) => fake.pressButton({ messageId: message.id, customId, user }),
    messages: (where, count, timeoutMs = 30_000) =>
      fake.waitFor(() => (fake.channelMessages(where).length >= count ? fake.channelMessages(where) : undefined), timeoutMs, `${count} messages in ${where}`),
    async startStory(user, seed) {
      const sent = world.command(user, 'story', { seed });
      const opening = await fake.waitForOriginal(sent.id, /✅/, 30_000);
      const threadId = opening.thread?.id ?? opening.id;
      return { story: world.bot.stories.findByThread('discord', threadId)!, threadId, sent };
    },
    async restart() {
      await world.adapter.stop();
      await world.bot.stop();
      ({ bot, adapter } = await startDiscordBot(config, logs));
      world.bot = bot;
      world.adapter = adapter;
    },
    async close() {
      await world.adapter.stop();
      await world.bot.stop();
      await worker.stop();
      await worker.transport.close();
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
