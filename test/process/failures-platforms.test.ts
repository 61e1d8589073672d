/**
 * Failed starts from the platforms, each as `npm start` really runs: a wrong
 * Discord token, a Discord URL nothing answers, a wrong Slack bot or app token, a
 * Slack port in use, a Google refresh token that was revoked. The embedded
 * worker is forked before the chat platforms start, so the Discord and Slack
 * cases also check that it is stopped with the bot. Each prints one clear line
 * naming the setting (no stack trace), exits 1, and leaves no process behind;
 * no token is printed.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from '../fakes/discord/index.ts';
import { startSlackFake, type SlackFake } from '../fakes/slack/index.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { expectFailedStart } from './helpers/failed-start.ts';
import { killAllRuns } from './helpers/process-run.ts';

let drive: DriveMailbox;
let discord: DiscordFake;
let slack: SlackFake;

beforeAll(async () => {
  [drive, discord, slack] = await Promise.all([
    startDriveMailbox(),
    startDiscordFake(),
    startSlackFake({ mode: 'socket' }),
  ]);
}, 90_000);

afterAll(async () => {
  killAllRuns();
  await discord?.close();
  await slack?.close();
  await drive?.close();
  removeDataDirs();
});

/** A local port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm start fails clearly when a platform refuses it', () => {
  it('a wrong DISCORD_TOKEN', async () => {
    const token = `${discord.botToken}-wrong`;
    const env = botEnv({ PLAYGROUND: 'off', DISCORD_TOKEN: token, DISCORD_API_URL: discord.restUrl });
    await expectFailedStart('a wrong DISCORD_TOKEN', env, {
      forksWorker: true,
      says: /^storyloom: Discord refused DISCORD_TOKEN .*Reset Token/,
      secrets: [token],
    });
  }, 60_000);

  it('a DISCORD_API_URL nothing answers', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api`;
    const env = botEnv({ PLAYGROUND: 'off', DISCORD_TOKEN: discord.botToken, DISCORD_API_URL: url });
    await expectFailedStart('an unreachable Discord', env, {
      forksWorker: true,
      says: new RegExp(`^storyloom: cannot reach Discord at DISCORD_API_URL=${url} \\(ECONNREFUSED\\)`),
      secrets: [discord.botToken],
    });
  }, 60_000);

  it('a wrong SLACK_BOT_TOKEN (HTTP mode)', async () => {
    const token = 'xoxb-wrong-0123456789';
    const env = botEnv({
      PLAYGROUND: 'off',
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_PORT: '0',
      SLACK_API_URL: slack.apiUrl,
    });
    await expectFailedStart('a wrong SLACK_BOT_TOKEN', env, {
      forksWorker: true,
      says: /^storyloom: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/,
      secrets: [token, slack.signingSecret],
    });
  }, 60_000);

  it('a wrong SLACK_APP_TOKEN (Socket Mode; Bolt warns first)', async () => {
    const token = 'xapp-wrong-0123456789';
    const env = botEnv({
      PLAYGROUND: 'off',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: token,
      SLACK_API_URL: slack.apiUrl,
    });
    await expectFailedStart('a wrong SLACK_APP_TOKEN', env, {
      forksWorker: true,
      says: /^storyloom: Slack refused SLACK_APP_TOKEN \(invalid_auth\)/,
      only: false,
      secrets: [token, slack.botToken],
    });
  }, 60_000);

  it('a SLACK_PORT already in use (HTTP mode)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const { port } = taken.address() as { port: number };
    try {
      const env = botEnv({
        PLAYGROUND: 'off',
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_PORT: String(port),
        SLACK_API_URL: slack.apiUrl,
      });
      await expectFailedStart('a SLACK_PORT in use', env, {
        forksWorker: true,
        says: new RegExp(`^storyloom: SLACK_PORT ${port} is already in use`),
        secrets: [slack.botToken, slack.signingSecret],
      });
    } finally {
      taken.close();
    }
  }, 60_000);

  it('a revoked Google refresh token: says to sign in again', async () => {
    // Last in this file: it spoils the account's sign-in for anything after it.
    drive.fake.revokeRefreshToken(drive.secrets[1]!);
    await expectFailedStart('drive with a revoked token', botEnv(drive.botEnv), {
      forksWorker: false,
      says: /^storyloom: .*npm run auth:google/,
      secrets: drive.secrets,
    });
  }, 60_000);
});
