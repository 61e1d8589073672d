/**
 * A whole storyloom on Slack for end-to-end tests: the Slack fake (Socket Mode or
 * HTTP), the real bot and core on a temporary local mailbox, the Slack adapter
 * with its real Bolt app, and an embedded worker with the tiny model.
 */
import { expect } from 'vitest';
import { goLive, startBot, type Bot } from '../../../src/app.ts';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from '../../../src/chat/slack/adapter.ts';
import type { Config } from '../../../src/config.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import type { Story } from '../../../src/stories/schema.ts';
import { startSlackFake, type ChannelRateLimit, type SlackFake } from '../../fakes/slack/index.ts';
import type { StoredMessage } from '../../fakes/slack/types.ts';
import { startTestWorker, testConfig, testTransport } from '../../helpers/bot.ts';
import { testLog } from '../../helpers/log.ts';
import { tinyModel } from '../../helpers/models.ts';

/** How a test world is set up. */
export interface WorldOptions {
  /** Start the embedded worker (default true). */
  worker?: boolean;
  /** Member ids on SLACK_ADMIN_IDS. */
  admins?: string[];
  /** The fake answers 429 to posts closer together than this in one channel. */
  channelRateLimit?: ChannelRateLimit;
  adapter?: SlackAdapterOptions;
  /** More configuration (`STORYLOOM_VOTE_WINDOW_S`…), over the test defaults. */
  env?: Record<string, string>;
}

/** A running storyloom on a fake Slack. */
export interface SlackWorld {
  mode: 'socket' | 'http';
  fake: SlackFake;
  config: Config;
  bot: Bot;
  adapter: SlackAdapter;
  worker: Worker | null;
  /** What the bot and the adapter logged. */
  logs: string[];
  /** How the world was set up (a restart starts the bot the same way). */
  options: WorldOptions;
}

/** Starts the fake, the bot, the adapter and (unless told not to) the worker. */
export async function startSlackWorld(mode: 'socket' | 'http', options: WorldOptions = {}): Promise<SlackWorld> {
  const fake = await startSlackFake({ mode, channelRateLimit: options.channelRateLimit });
  const slack: Record<string, string> =
    mode === 'socket'
      ? { SLACK_APP_TOKEN: fake.appToken }
      : { SLACK_SIGNING_SECRET: fake.signingSecret, SLACK_PORT: '0' };
  const config = testConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
    SLACK_ADMIN_IDS: (options.admins ?? []).join(','),
    STORYLOOM_ADMIN_TIMEOUT_S: '10',
    ...slack,
    ...options.env,
  });
  const logs: string[] = [];
  const world: SlackWorld = {
    mode,
    fake,
    config,
    worker: null,
    logs,
    options,
    ...(await startBotOn(fake, mode, config, logs, options)),
  };
  world.worker = options.worker === false ? null : await startWorker(config);
  return world;
}

/** The bot and its Slack adapter, on the fake and the world's mailbox. */
async function startBotOn(
  fake: SlackFake,
  mode: 'socket' | 'http',
  config: Config,
  logs: string[],
  options: WorldOptions,
): Promise<{ bot: Bot; adapter: SlackAdapter }> {
  // Down to info: Bolt's own chatter (debug and trace) is not what these tests look at.
  const { log } = testLog(logs, 'info');
  const bot = await startBot(config, testTransport(config), { worker: false, log });
  const adapter = createSlackAdapter(config, bot.chat, log, { clientPingTimeoutMs: 200, ...options.adapter });
  await adapter.start();
  if (mode === 'http') fake.setRequestUrl(`http://127.0.0.1:${adapter.port}/slack/events`);
  await goLive(bot);
  return { bot, adapter };
}

/**
 * Restarts the bot as a deploy or a crash would: stops its adapter and the bot
 * (jobs stay in the mailbox, stories in the store), runs `meanwhile` while it is
 * down, and starts a new bot and adapter on the same mailbox and fake Slack.
 */
export async function restartSlackWorld(
  world: SlackWorld,
  meanwhile: () => Promise<void> = async () => undefined,
): Promise<void> {
  await world.adapter.stop();
  await world.bot.stop();
  await meanwhile();
  Object.assign(world, await startBotOn(world.fake, world.mode, world.config, world.logs, world.options));
}

/** Starts the embedded worker with the tiny model. */
export async function startWorker(config: Config): Promise<Worker> {
  return startTestWorker(config, await tinyModel());
}

/** Stops everything, the app before the fake (its client would keep retrying a dead fake). */
export async function stopSlackWorld(world: SlackWorld | undefined): Promise<void> {
  if (!world) return;
  await world.adapter.stop();
  if (world.worker) {
    await world.worker.stop();
    await world.worker.transport.close();
  }
  await world.bot.stop();
  await world.fake.close();
}

/** Checks that no token or secret reached the log. */
export function expectNoSecretsLogged(world: SlackWorld): void {
  const logged = world.logs.join('\n');
  for (const secret of [world.fake.botToken, world.fake.appToken, world.fake.signingSecret, 'ticket=']) {
    if (logged.includes(secret)) throw new Error(`the log holds a secret: ${secret.slice(0, 8)}…`);
  }
}

type Falsy<T> = T | undefined | null | false;

/** Polls until `probe` gives (or resolves with) something truthy. */
export async function until<T>(
  probe: () => Falsy<T> | Promise<Falsy<T>>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The story the bot keeps for a thread. */
export function storyOf(world: SlackWorld, rootTs: string): Story {
  const story = world.bot.stories.findByThread('slack', rootTs);
  if (!story) throw new Error(`no story in thread ${rootTs}`);
  return story;
}

/** Runs `/story <text>` and waits for the story's root message; returns it and the story. */
export async function startStory(world: SlackWorld, text: string, options: { channel?: string; user?: string } = {}) {
  const channel = options.channel ?? world.fake.defaultChannel.id;
  const before = world.fake.channelMessages(channel).length;
  const delivery = await world.fake.sendSlashCommand({ command: '/story', text, channel, user: options.user });
  const root = await until(() => world.fake.channelMessages(channel)[before], 'the story’s root message');
  const story = await until(() => world.bot.stories.findByThread('slack', root.ts), 'the story to have its thread');
  return { delivery, root, story, channel };
}

/** The bot's line messages in a thread (their blocks are named `line:<lineId>:<n>`). */
export function lineMessages(world: SlackWorld, channel: string, rootTs: string): StoredMessage[] {
  return world.fake
    .threadReplies(channel, rootTs)
    .filter((m) => m.bot_id && m.blocks?.some((b) => String(b.block_id).startsWith('line:')));
}

/** Waits until the thread holds `count` line messages; returns them. */
export function waitForLines(
  world: SlackWorld,
  channel: string,
  rootTs: string,
  count: number,
): Promise<StoredMessage[]> {
  return until(() => {
    const lines = lineMessages(world, channel, rootTs);
    return lines.length >= count && lines;
  }, `${count} line messages`);
}

/** The line id a line message shows. */
export function lineIdOf(message: StoredMessage): string {
  return String(message.blocks!.find((b) => String(b.block_id).startsWith('line:'))!.block_id).split(':')[1];
}

/** The action id of a story button on a message (`continue`, `retry`, `undo`, `end`). */
export function buttonOf(message: StoredMessage, action: string): string {
  const actions = message.blocks?.find((b) => b.type === 'actions');
  const button = (actions?.elements as { action_id: string }[] | undefined)?.find((e) =>
    e.action_id.startsWith(`sl:${action}:`),
  );
  if (!button) throw new Error(`message ${message.ts} has no ${action} button`);
  return button.action_id;
}

/** Presses a story button on a message; checks the press was acked within Slack's 3 s. */
export async function press(world: SlackWorld, message: StoredMessage, action: string, user?: string) {
  const delivery = await world.fake.clickButton({ message, actionId: buttonOf(message, action), user });
  const ack = await delivery.waitForAck();
  expect(ack.ackMs, `the ack of the ${action} button`).toBeLessThan(3000);
  return delivery;
}
