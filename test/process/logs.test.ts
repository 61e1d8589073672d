/**
 * The bot's logs as a process writes them: `npm start` with Discord, Slack (Socket Mode), the Drive mailbox and
 * the embedded worker, at LOG_LEVEL=trace, once with LOG_FORMAT=json and once pretty. A story is played on Discord
 * and on Slack (/story, then Continue), the bot is stopped, and every line it wrote (stdout and stderr, the bot's
 * and its worker's) is scanned: none holds a secret it was given or that was issued to it (the tokens, the Google
 * refresh and access tokens, the OAuth client secret, the Discord interactions' tokens). In JSON mode every line
 * is one JSON record with level, time, msg and name; in pretty mode the lines are the text they always were.
 */
import type { APIMessage, APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVITE_PERMISSIONS } from '../../src/chat/discord/invite.ts';
import { deployCommands } from '../../src/chat/discord/registration.ts';
import { parseConfig } from '../../src/config.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../fakes/discord/index.ts';
import { startSlackFake, type SlackFake } from '../fakes/slack/index.ts';
import type { StoredMessage } from '../fakes/slack/types.ts';
import { until } from '../helpers/worker-process.ts';
import { type BotRun, expectNoSecrets, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { killAllRuns } from './helpers/process-run.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let drive: DriveMailbox;
const fakes: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  drive = await startDriveMailbox();
}, 90_000);

afterAll(async () => {
  killAllRuns();
  for (const fake of fakes) await fake.close();
  await drive?.close();
  removeDataDirs();
});

/** Discord and Slack fakes for one run, the Discord commands registered. */
async function platforms() {
  const [discord, slack] = await Promise.all([startDiscordFake(), startSlackFake({ mode: 'socket' })]);
  fakes.push(discord, slack);
  const guild = discord.addGuild({
    name: 'Writers',
    channels: ['stories'],
    botPermissions: INVITE_PERMISSIONS.bitfield,
  });
  const ana = discord.addUser({ username: 'ana', globalName: 'Ana' });
  const settings = {
    DISCORD_TOKEN: discord.botToken,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_GUILD_ID: guild.id,
    DISCORD_API_URL: discord.restUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
  };
  await deployCommands(parseConfig(settings));
  return { discord, slack, guild, ana, settings };
}

const customIds = (m: APIMessage) =>
  ((m.components ?? []) as { components?: { custom_id?: string }[] }[])
    .flatMap((row) => row.components ?? [])
    .flatMap((c) => (c.custom_id ? [c.custom_id] : []));
const discordLines = (discord: DiscordFake, threadId: string) =>
  discord.channelMessages(threadId).filter((m) => /the model \(small\), asked by Ana/.test(m.content));

/** /story on Discord, then Continue on its line; returns the interaction tokens the fake issued. */
async function playOnDiscord(discord: DiscordFake, guild: FakeGuild, ana: APIUser, bot: BotRun): Promise<string[]> {
  const options = { opening: 'The lighthouse keeper', length: 30 };
  const sent = discord.sendCommand({ channelId: guild.channels[0]!.id, user: ana, name: 'story', options });
  const opening = await discord.waitForOriginal(sent.id, /✅/, 90_000);
  const threadId = opening.thread?.id ?? opening.id;
  const line = discordLines(discord, threadId).at(-1)!;
  const customId = customIds(line).find((id) => id.split(':')[1] === 'continue')!;
  const pressed = discord.pressButton({ messageId: line.id, customId, user: ana });
  await until(() => discordLines(discord, threadId).length >= 2 || !bot.running, 90_000, 'the second Discord line');
  expect(discordLines(discord, threadId).length, bot.describe()).toBeGreaterThanOrEqual(2);
  return [sent.token, pressed.token];
}

const isSlackLine = (m: StoredMessage) =>
  Boolean(m.bot_id && m.blocks?.some((b) => String(b.block_id).startsWith('line:')));

/** /story on Slack, then Continue on its line. */
async function playOnSlack(slack: SlackFake, bot: BotRun): Promise<void> {
  const channel = slack.defaultChannel.id;
  await (
    await slack.sendSlashCommand({ command: '/story', text: 'The night train --length 30', channel })
  ).waitForAck();
  const lines = () => {
    const root = slack.channelMessages(channel).find((m) => m.bot_id);
    return root ? slack.threadReplies(channel, root.ts).filter(isSlackLine) : [];
  };
  await until(() => lines().length >= 1 || !bot.running, 90_000, 'the Slack line');
  const line = lines()[0]!;
  const actions = line.blocks?.find((b) => b.type === 'actions')?.elements as { action_id: string }[];
  const actionId = actions.find((e) => e.action_id.startsWith('sl:continue:'))!.action_id;
  await (await slack.clickButton({ message: line, actionId })).waitForAck();
  await until(() => lines().length >= 2 || !bot.running, 90_000, 'the second Slack line');
  expect(lines().length, bot.describe()).toBeGreaterThanOrEqual(2);
}

/** Runs the bot in `format`, plays both stories, stops it; returns it and every secret it met. */
async function runAndPlay(format: 'json' | 'pretty') {
  const { discord, slack, guild, ana, settings } = await platforms();
  const env = botEnv({
    ...settings,
    ...drive.botEnv,
    PLAYGROUND: 'off',
    LOG_LEVEL: 'trace',
    LOG_FORMAT: format,
    STORYLOOM_WORKER_ID: `embedded-logs-${format}`,
    // npm's own banner ("> storyloom@… start") is not the bot's: only the bot's lines are checked.
    npm_config_loglevel: 'silent',
  });
  const bot = npmStart(`npm start (logs, ${format})`, env);
  await bot.waitForOutput(/storyloom is running: /, 90_000);
  await Promise.all([discord.waitForSession(30_000), slack.waitForConnection({ timeoutMs: 30_000 })]);
  const interactionTokens = await playOnDiscord(discord, guild, ana, bot);
  await playOnSlack(slack, bot);
  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  const secrets = [discord.botToken, slack.botToken, slack.appToken, ...drive.secrets, ...interactionTokens];
  return { bot, secrets };
}

/** Every line the run wrote, stdout's then stderr's. */
const linesOf = (bot: BotRun) => [...bot.out.split('\n'), ...bot.err.split('\n')].filter((l) => l !== '');

/** Fails, naming the line's place only, when a line holds a secret (the failure must not print it). */
function expectNoSecretInAnyLine(bot: BotRun, secrets: string[]): void {
  expect(secrets.filter((s) => s.length < 8)).toEqual([]);
  const lines = linesOf(bot);
  lines.forEach((line, n) => {
    const i = secrets.findIndex((secret) => line.includes(secret));
    if (i >= 0)
      throw new Error(`${bot.name}: line ${n + 1} of ${lines.length} holds secret #${i} of ${secrets.length}`);
  });
  expectNoSecrets(bot, secrets);
}

describe('npm start, logging at trace', () => {
  it('LOG_FORMAT=json: every line a JSON record with level, time, msg and name; no secret in any', async () => {
    const { bot, secrets } = await runAndPlay('json');
    expectNoSecretInAnyLine(bot, secrets);
    const records = linesOf(bot).map((line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed, line).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
      expect(LEVELS, line).toContain(parsed.level);
      expect(parsed.time, line).toMatch(ISO_TIME);
      expect(['storyloom', 'storyloom worker'], line).toContain(parsed.name);
      return parsed;
    });
    const msgs = (name: string) => records.filter((r) => r.name === name).map((r) => String(r.msg));
    expect(msgs('storyloom')).toContain('storyloom: stopping…');
    expect(msgs('storyloom worker').some((m) => /^storyloom worker embedded-logs-json: model small/.test(m))).toBe(
      true,
    );
    // trace was on (each Drive call), warnings went to stderr and info to stdout.
    expect(records.some((r) => r.level === 'trace' && r.method === 'changes.list')).toBe(true);
    for (const line of bot.out.split('\n').filter(Boolean))
      expect(['trace', 'debug', 'info']).toContain(JSON.parse(line).level);
    for (const line of bot.err.split('\n').filter(Boolean))
      expect(['warn', 'error', 'fatal']).toContain(JSON.parse(line).level);
    expect(records.filter((r) => r.platform === 'discord').length).toBeGreaterThan(0);
    expect(records.filter((r) => r.platform === 'slack').length).toBeGreaterThan(0);
  }, 300_000);

  it('LOG_FORMAT=pretty: the lines as they always were, no JSON, no secret in any', async () => {
    const { bot, secrets } = await runAndPlay('pretty');
    expectNoSecretInAnyLine(bot, secrets);
    expect(bot.out).toMatch(/^storyloom is running: mailbox drive, chat discord, slack, local worker auto/m);
    expect(bot.out).toMatch(/^storyloom discord: logged in as storyloom-test-bot, in 1 server/m);
    expect(bot.out).toMatch(/^storyloom: stopping…$/m);
    expect(linesOf(bot).filter((line) => /^\{"level":/.test(line))).toEqual([]);
  }, 300_000);
});
