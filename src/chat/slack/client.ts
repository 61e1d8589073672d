/**
 * Role: the platform's client, built from the configuration (on Discord, client.ts
 * too). On Slack: the Bolt app for the configuration: Socket Mode when
 * SLACK_APP_TOKEN is set (no public URL needed), otherwise HTTP mode, where Bolt
 * verifies every request's signature with SLACK_SIGNING_SECRET (a bad or stale one
 * gets 401). SLACK_API_URL reaches both the Web API and `apps.connections.open`.
 * The app's initialization (auth.test on the bot token) is deferred to the
 * adapter's start, which awaits it: a wrong token fails the start instead of
 * leaving an unhandled rejection behind a bot that looks up.
 */
import { App, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Config } from '../../config.ts';
import type { Logger as StoryloomLogger } from '../../log.ts';
import { countingFetch } from './monitoring.ts';

/** How the app talks to Slack. */
export type SlackMode = 'socket' | 'http';

/** Settings for building the app. */
export interface BoltAppSettings {
  /** Socket Mode: ms to wait before reconnecting, times the failures in a row (Bolt's default is 5000). */
  clientPingTimeoutMs?: number;
}

/**
 * Web API client options. Each caller gets its own object: SocketModeClient
 * writes `retryConfig: { retries: 100 }` into the one it is given unless set,
 * so it is always set here (capped, jittered backoff).
 */
function clientOptions(config: Config, logger: Logger) {
  return {
    slackApiUrl: config.SLACK_API_URL,
    logger,
    // Counts failed calls for /metrics (monitoring.ts); the calls themselves go through unchanged.
    fetch: countingFetch(),
    retryConfig: { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 8000, randomize: true },
  };
}

/** The Bolt app and its mode. */
export function buildBoltApp(
  config: Config,
  logger: Logger,
  settings: BoltAppSettings = {},
): { app: App; mode: SlackMode; socket?: SocketModeReceiver } {
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('storyloom: the Slack adapter needs SLACK_BOT_TOKEN. See .env.example.');
  if (config.SLACK_APP_TOKEN) {
    const receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN,
      logger,
      logLevel: LogLevel.WARN,
      clientPingTimeout: settings.clientPingTimeoutMs,
      installerOptions: { clientOptions: clientOptions(config, logger) },
    });
    const app = new App({
      token,
      receiver,
      logger,
      clientOptions: clientOptions(config, logger),
      deferInitialization: true,
    });
    return { app, mode: 'socket', socket: receiver };
  }
  if (!config.SLACK_SIGNING_SECRET) {
    throw new Error(
      'storyloom: Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode). ' +
        'See .env.example.',
    );
  }
  const app = new App({
    token,
    signingSecret: config.SLACK_SIGNING_SECRET,
    port: config.SLACK_PORT,
    logger,
    clientOptions: clientOptions(config, logger),
    deferInitialization: true,
  });
  return { app, mode: 'http' };
}

/**
 * A Bolt logger on storyloom's: Bolt's warnings and errors as they are, its info and debug one level down (debug
 * and trace: Bolt's info is about its connection, not worth a line by default).
 */
export class BoltLogger implements Logger {
  constructor(private readonly log: StoryloomLogger) {}

  debug(...msg: unknown[]): void {
    this.log.trace(`storyloom slack (bolt): ${msg.map(String).join(' ')}`);
  }
  info(...msg: unknown[]): void {
    this.log.debug(`storyloom slack (bolt): ${msg.map(String).join(' ')}`);
  }
  warn(...msg: unknown[]): void {
    this.log.warn(`storyloom slack (bolt): ${msg.map(String).join(' ')}`);
  }
  error(...msg: unknown[]): void {
    this.log.error(`storyloom slack (bolt): ${msg.map(String).join(' ')}`);
  }
  setLevel(): void {}
  getLevel(): LogLevel {
    return LogLevel.WARN;
  }
  setName(): void {}
}
