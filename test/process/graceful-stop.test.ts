/**
 * A graceful stop of `npm start` (Slack in Socket Mode, local mailbox, embedded worker), with Slack slow to
 * answer the post of a line: SIGTERM during that post lets it finish, marks the line delivered and exits 0,
 * and the time it took is measured; a post slower than STORYLOOM_STOP_TIMEOUT_S does not hold the process
 * past its bound, and the restart finds the line the slow post left in the thread and posts it only once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../fakes/slack/index.ts';
import type { StoredMessage } from '../fakes/slack/types.ts';
import { until } from '../helpers/worker-process.ts';
import { expectNoSecrets, npmStart, stopCleanly, type BotRun } from './helpers/bot-run.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { killAllRuns } from './helpers/process-run.ts';

const fakes: SlackFake[] = [];

afterAll(async () => {
  killAllRuns();
  for (const fake of fakes) await fake.close();
  removeDataDirs();
});

/** A model's line: it carries a line marker, and its byline says who asked (the opening's does not). */
const isModelLine = (blocks: unknown) =>
  /"block_id":"line:/.test(blocks as string) && /asked by/.test(blocks as string);
const isLine = (m: StoredMessage) => Boolean(m.bot_id && isModelLine(JSON.stringify(m.blocks ?? [])));
/** The post of a model's line: what the fake holds. */
const postsLine = (args: Record<string, unknown>) => isModelLine(JSON.stringify(args.blocks ?? ''));

function slackBot(fake: SlackFake, name: string, env: Record<string, string> = {}): BotRun {
  return npmStart(
    name,
    botEnv({
      PLAYGROUND: 'off',
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      STORYLOOM_WORKER_ID: `embedded-${name.replace(/\W+/g, '-')}`,
      ...env,
    }),
  );
}

/** The model's lines posted in the thread of the channel's first bot message. */
function linesInThread(fake: SlackFake): StoredMessage[] {
  const channel = fake.defaultChannel.id;
  const root = fake.channelMessages(channel).find((m) => m.bot_id);
  return root ? fake.threadReplies(channel, root.ts).filter(isLine) : [];
}

/** The stories the bot saved in its local mailbox. */
function savedStories(dataDir: string): { lines: { kind: string; delivered?: boolean }[] }[] {
  const dir = join(dataDir, 'mailbox/stories');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** Starts a story and waits until the post of its first line is being held by the fake. */
async function storyWithHeldLine(fake: SlackFake, bot: BotRun): Promise<void> {
  expect(await bot.startupLine()).toMatch(/chat slack/);
  await fake.waitForConnection({ timeoutMs: 30_000 });
  const channel = fake.defaultChannel.id;
  const delivery = await fake.sendSlashCommand({ command: '/story', text: 'The night train --length 40', channel });
  await delivery.waitForAck(5_000);
  await until(() => fake.heldCalls.length === 1 || !bot.running, 90_000, 'the post of the line to be held');
  expect(bot.running, bot.describe()).toBe(true);
}

describe('npm start stops gracefully', () => {
  it('SIGTERM during a slow post of a line: the post finishes, the line is marked delivered, exit 0', async () => {
    const fake = await startSlackFake({ mode: 'socket' });
    fakes.push(fake);
    const env = { STORYLOOM_STOP_TIMEOUT_S: '10' };
    const bot = slackBot(fake, 'npm start (slow post)', env);
    const dataDir = bot.dataDir;
    fake.holdNext('chat.postMessage', 2_500, postsLine);
    await storyWithHeldLine(fake, bot);
    expect(linesInThread(fake)).toHaveLength(0);

    const stopped = await stopCleanly(bot, { signal: 'SIGTERM', target: 'process', boundMs: 10_000 });
    const said = Number(/storyloom: stopped in (\d+) ms/.exec(bot.out)?.[1]);
    console.info(`[process] graceful stop with a post in flight: ${stopped.ms} ms to exit (the bot says ${said} ms)`);
    // It waited for the post (about 2.5 s from when the hold began), and no longer than the bound.
    expect(stopped.ms).toBeGreaterThan(1_000);
    expect(linesInThread(fake)).toHaveLength(1);
    const [story] = savedStories(dataDir);
    expect(story.lines.filter((l) => l.kind === 'model').map((l) => l.delivered)).toEqual([true]);
    expectNoSecrets(bot, [fake.botToken, fake.appToken]);
  }, 150_000);

  it('a post slower than STORYLOOM_STOP_TIMEOUT_S: exit in the bound; the restart posts the line once', async () => {
    const fake = await startSlackFake({ mode: 'socket' });
    fakes.push(fake);
    const env = { STORYLOOM_STOP_TIMEOUT_S: '2' };
    const bot = slackBot(fake, 'npm start (stuck post)', env);
    fake.holdNext('chat.postMessage', 8_000, postsLine);
    await storyWithHeldLine(fake, bot);

    const at = Date.now();
    const exit = await bot.stop('SIGTERM', 'process', 20_000);
    console.info(`[process] graceful stop with a stuck post: ${exit.ms} ms to exit, code ${exit.code}`);
    expect(exit.ms).toBeLessThan(2_000 + 1_500);
    expect(bot.out + bot.err).toMatch(/still being posted at the stop|did not stop within 2 s/);
    // The held post lands in Slack after the bot is gone.
    await until(() => linesInThread(fake).length === 1, 15_000, 'the slow post to land');
    expect(Date.now() - at).toBeGreaterThan(2_000);

    const again = slackBot(fake, 'npm start (after a stuck post)', {
      ...env,
      STORYLOOM_DATA_DIR: bot.dataDir,
    });
    expect(await again.startupLine()).toMatch(/chat slack/);
    await until(
      () => savedStories(bot.dataDir)[0].lines.every((l) => l.delivered !== false),
      30_000,
      'the line to be marked delivered',
    );
    expect(linesInThread(fake)).toHaveLength(1);
    await stopCleanly(again, { signal: 'SIGTERM', target: 'process' });
    expectNoSecrets(again, [fake.botToken, fake.appToken]);
  }, 180_000);
});
