import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { SlackFake } from './SlackFake.ts';

/** One line a `RecordingLogger` kept. */
export interface LogLine {
  level: LogLevel;
  text: string;
}

/** A Bolt/web-api/socket-mode logger that keeps lines for assertions instead of printing them. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  private level: LogLevel = LogLevel.INFO;

  debug(...msg: unknown[]): void {
    this.keep(LogLevel.DEBUG, msg);
  }
  info(...msg: unknown[]): void {
    this.keep(LogLevel.INFO, msg);
  }
  warn(...msg: unknown[]): void {
    this.keep(LogLevel.WARN, msg);
  }
  error(...msg: unknown[]): void {
    this.keep(LogLevel.ERROR, msg);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(): void {}

  /** Lines at a level whose text contains `part`. */
  find(level: LogLevel, part: string): LogLine[] {
    return this.lines.filter((line) => line.level === level && line.text.includes(part));
  }

  private keep(level: LogLevel, msg: unknown[]): void {
    this.lines.push({ level, text: msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ') });
  }
}

/** A Bolt app wired to the fake, with its logger. */
export interface TestApp {
  app: App;
  logger: RecordingLogger;
}

/**
 * A Socket Mode app built the plain way: `clientOptions.slackApiUrl` alone
 * points both the Web API and `apps.connections.open` at the fake.
 */
export function socketModeApp(fake: SlackFake): TestApp {
  const logger = new RecordingLogger();
  const app = new App({
    token: fake.botToken,
    appToken: fake.appToken,
    socketMode: true,
    logger,
    clientOptions: { slackApiUrl: fake.apiUrl },
  });
  return { app, logger };
}

/**
 * A Socket Mode app with a hand-built receiver, so the reconnect delay
 * (`clientPingTimeout` × failures, 5 s by default) is short enough for tests.
 */
export function fastReconnectSocketModeApp(fake: SlackFake, clientPingTimeout = 300): TestApp {
  const logger = new RecordingLogger();
  const receiver = new SocketModeReceiver({
    appToken: fake.appToken,
    logger,
    clientPingTimeout,
    installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
  });
  const app = new App({ token: fake.botToken, receiver, logger, clientOptions: { slackApiUrl: fake.apiUrl } });
  return { app, logger };
}

/** An HTTP-mode app on a free port, its request URL given to the fake. */
export async function httpModeApp(fake: SlackFake): Promise<TestApp & { requestUrl: string }> {
  const logger = new RecordingLogger();
  const app = new App({
    token: fake.botToken,
    signingSecret: fake.signingSecret,
    logger,
    clientOptions: { slackApiUrl: fake.apiUrl },
  });
  const server = (await app.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  const requestUrl = `http://127.0.0.1:${port}/slack/events`;
  fake.setRequestUrl(requestUrl);
  return { app, logger, requestUrl };
}
