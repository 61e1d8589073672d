/**
 * `npm start` with Slack on (PLAYGROUND=off), local mailbox, embedded worker,
 * against the Slack fake: in Socket Mode (SLACK_APP_TOKEN) and in HTTP mode
 * (SLACK_SIGNING_SECRET, SLACK_PORT=0, the port read from the startup output), a
 * /story slash command is acked and gets its line in the story's thread, and
 * SIGTERM ends the bot cleanly. No token or secret is ever printed.
 */
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

const isLine = (m: StoredMessage) => Boolean(m.bot_id && m.blocks?.some((b) => String(b.block_id).startsWith('line:')));

/** Sends `/story` through the fake, checks the ack, and waits for the story's first line in its thread. */
async function storyLine(fake: SlackFake, bot: BotRun): Promise<StoredMessage> {
  const channel = fake.defaultChannel.id;
  const delivery = await fake.sendSlashCommand({ command: '/story', text: 'The night train --length 40', channel });
  expect((await delivery.waitForAck(5_000)).ackMs).toBeLessThan(3_000);
  let line: StoredMessage | undefined;
  await until(
    () => {
      const root = fake.channelMessages(channel).find((m) => m.bot_id);
      line = root && fake.threadReplies(channel, root.ts).find(isLine);
      return Boolean(line) || !bot.running;
    },
    90_000,
    'the line in the story thread',
  );
  expect(line, bot.describe()).toBeDefined();
  return line!;
}

describe('npm start with Slack', () => {
  it('Socket Mode: /story gets its line in the thread; SIGTERM stops it', async () => {
    const fake = await startSlackFake({ mode: 'socket' });
    fakes.push(fake);
    const bot = npmStart(
      'npm start (slack socket)',
      botEnv({
        PLAYGROUND: 'off',
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_API_URL: fake.apiUrl,
        STORYLOOM_WORKER_ID: 'embedded-process-slack-socket',
      }),
    );
    expect(await bot.startupLine()).toMatch(/mailbox local, chat slack, local worker auto/);
    await fake.waitForConnection({ timeoutMs: 30_000 });

    const line = await storyLine(fake, bot);
    expect(JSON.stringify(line.blocks)).toMatch(/the model \(small\), asked by/);
    expect(bot.embeddedWorkers()).toHaveLength(1);

    await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
    expectNoSecrets(bot, [fake.botToken, fake.appToken]);
  }, 150_000);

  it('HTTP mode: /story gets its line in the thread; SIGTERM stops it', async () => {
    const fake = await startSlackFake({ mode: 'http' });
    fakes.push(fake);
    const bot = npmStart(
      'npm start (slack http)',
      botEnv({
        PLAYGROUND: 'off',
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: fake.signingSecret,
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: '0',
        STORYLOOM_WORKER_ID: 'embedded-process-slack-http',
      }),
    );
    expect(await bot.startupLine()).toMatch(/mailbox local, chat slack, local worker auto/);
    const port = (await bot.waitForOutput(/slack: HTTP mode, events at port (\d+)/, 30_000))[1];
    fake.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);

    const line = await storyLine(fake, bot);
    expect(JSON.stringify(line.blocks)).toMatch(/the model \(small\), asked by/);
    expect(bot.embeddedWorkers()).toHaveLength(1);

    await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
    await expect(fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).rejects.toThrow();
    expectNoSecrets(bot, [fake.botToken, fake.signingSecret]);
  }, 150_000);
});
