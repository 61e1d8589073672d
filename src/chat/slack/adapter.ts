/**
 * Role: the chat adapter, started and stopped by main.ts (the same file on Discord
 * and in the playground). On Slack: a Bolt app (Socket Mode or HTTP) whose handlers
 * turn slash commands, buttons, thread replies and mentions into core calls, and
 * which delivers core's lines, progress, failures and votes into story threads.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, SocketModeReceiver } from '@slack/bolt';
import type { Config } from '../../config.ts';
import type { ChatCore } from '../../core/chat-core.ts';
import type { Logger } from '../../log.ts';
import type { ChatDelivery, FailureDelivery, LineDelivery, ProgressDelivery, VoteDelivery } from '../../core/types.ts';
import type { ChatAdapter, ChatHealth } from '../adapter.ts';
import { RecentKeys } from '../recent.ts';
import { BotPosts } from './bot-posts.ts';
import { BoltLogger, buildBoltApp, type SlackMode } from './client.ts';
import { SlackPeople } from './context.ts';
import { SlackDelivery } from './delivery.ts';
import { registerButtons } from './handlers/buttons.ts';
import { registerCommands } from './handlers/commands.ts';
import { registerMentions } from './handlers/mentions.ts';
import { registerThreadReplies } from './handlers/thread-replies.ts';
import { slackConnectionProblem, watchSlackRateLimits } from './monitoring.ts';
import { ChannelPacer } from './pacer.ts';
import type { SlackParts } from './parts.ts';
import { SlackPoster } from './poster.ts';
import { ReplyRenderer } from './show-reply.ts';
import { explainSlackStartError } from './start-errors.ts';
import { StatusMessages } from './status-messages.ts';
import { StatusRecovery } from './status-recovery.ts';
import { VoteMessages } from './vote-messages.ts';

/** Tuning, mostly for tests; the defaults follow Slack's limits. */
export interface SlackAdapterOptions {
  /** The least time between two posts to one channel (Slack allows about one a second). Default 1000 ms. */
  postIntervalMs?: number;
  /** The least time between two edits of a status message. Default 2000 ms. */
  editIntervalMs?: number;
  /** The least time between two edits of an open vote's message (the closing edit goes at once). Default 1000 ms. */
  voteEditIntervalMs?: number;
  /** Socket Mode: the reconnect delay, times the failures in a row. Default 5000 ms (Bolt's). */
  clientPingTimeoutMs?: number;
}

/** storyloom on Slack. */
export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack';
  readonly mode: SlackMode;
  private readonly app: App;
  /** Socket Mode's receiver (HTTP mode has none). */
  private readonly socket: SocketModeReceiver | undefined;
  private readonly delivery: ChatDelivery;
  private readonly status: StatusMessages;
  private server: Server | undefined;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly config: Config,
    private readonly core: ChatCore,
    logger: Logger,
    options: SlackAdapterOptions = {},
  ) {
    const log = logger.child({ platform: 'slack' });
    const settings = { clientPingTimeoutMs: options.clientPingTimeoutMs };
    ({ app: this.app, mode: this.mode, socket: this.socket } = buildBoltApp(config, new BoltLogger(log), settings));
    watchSlackRateLimits(this.app.client);
    const poster = new SlackPoster(this.app.client, new ChannelPacer(options.postIntervalMs ?? 1000));
    this.status = new StatusMessages(poster, log, options.editIntervalMs ?? 2000);
    const posts = new BotPosts(this.app.client);
    const recovery = new StatusRecovery(posts, this.status, poster, log);
    const votes = new VoteMessages(poster, posts, log, options.voteEditIntervalMs ?? 1000);
    this.delivery = new SlackDelivery({ poster, status: this.status, recovery, posts, votes, log });
    const parts: SlackParts = {
      core,
      poster,
      log,
      recent: new RecentKeys(),
      people: new SlackPeople(this.app.client, config.SLACK_ADMIN_IDS),
      replies: new ReplyRenderer(poster, this.status),
    };
    registerCommands(this.app, parts);
    registerButtons(this.app, parts);
    registerThreadReplies(this.app, parts);
    registerMentions(this.app, parts);
    // The last net: handlers guard themselves, so this only sees Bolt's own failures.
    this.app.error(async (error) => log.error(`storyloom slack: ${error.message}`));
  }

  /** HTTP mode: the port the receiver listens on, once started. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async start(): Promise<void> {
    this.core.registerDelivery('slack', this);
    // An ended story's waiting status message goes: its job was withdrawn.
    this.unsubscribe = this.core.onStoryEvent((event) => {
      if (event.kind === 'ended' && event.story.place.platform === 'slack') void this.status.closeStory(event.story.id);
    });
    // The bot token is checked here (auth.test), so a wrong one stops the start with a clear line.
    await this.app.init().catch((error: unknown) => {
      throw explainSlackStartError(error, 'bot token', this.config);
    });
    const starting = this.mode === 'http' ? this.app.start(this.config.SLACK_PORT) : this.app.start();
    const started = await starting.catch((error: unknown) => {
      throw explainSlackStartError(error, this.mode, this.config);
    });
    if (this.mode === 'http') this.server = started as Server;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.app.stop();
  }

  /** Ready while the Socket Mode connection is open, or the HTTP receiver listens. */
  health(): ChatHealth {
    const problem = slackConnectionProblem(this.socket, this.server?.listening ?? false);
    return problem ? { ready: false, reason: problem } : { ready: true };
  }

  deliverLine(delivery: LineDelivery): Promise<void> {
    return this.delivery.deliverLine(delivery);
  }

  deliverProgress(delivery: ProgressDelivery): Promise<void> {
    return this.delivery.deliverProgress(delivery);
  }

  deliverFailure(delivery: FailureDelivery): Promise<void> {
    return this.delivery.deliverFailure(delivery);
  }

  deliverVote(delivery: VoteDelivery): Promise<string> {
    return this.delivery.deliverVote(delivery);
  }
}

/** The Slack adapter for main.ts: Socket Mode with SLACK_APP_TOKEN, else HTTP (SLACK_SIGNING_SECRET, SLACK_PORT). */
export function createSlackAdapter(
  config: Config,
  core: ChatCore,
  log: Logger,
  options: SlackAdapterOptions = {},
): SlackAdapter {
  return new SlackAdapter(config, core, log, options);
}
