/**
 * Role: the chat adapter, started and stopped by main.ts (the same file on Slack
 * and in the playground). On Discord: a discord.js client (Guilds intent only)
 * whose one interaction handler serves storyloom's commands and buttons
 * (handlers/), and the delivery core calls later (delivery.ts).
 * `npm run deploy:discord` registers the commands (see docs/discord.md).
 */
import { Events, type Client } from 'discord.js';
import type { Config } from '../../config.ts';
import type { ChatCore } from '../../core/chat-core.ts';
import type { Logger } from '../../log.ts';
import type { FailureDelivery, LineDelivery, ProgressDelivery, VoteDelivery } from '../../core/types.ts';
import type { ChatAdapter, ChatHealth } from '../adapter.ts';
import { createDiscordClient, logIn } from './client.ts';
import { DiscordDelivery } from './delivery.ts';
import { discordGatewayProblem, watchDiscordRest } from './monitoring.ts';
import { InteractionHandler } from './handlers/interactions.ts';
import type { DiscordParts } from './parts.ts';
import { describeShards } from './shards.ts';
import { explainLoginError } from './start-errors.ts';
import { StatusMessages } from './status-messages.ts';
import { StoryGate } from './story-gate.ts';

/** storyloom on Discord. */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord';
  /** The discord.js client (tests reuse its REST manager). */
  readonly client: Client;
  private readonly parts: DiscordParts;
  private readonly handler: InteractionHandler;
  private readonly delivery: DiscordDelivery;
  private readonly log: Logger;

  /** `clock` tells the time for interaction tokens' 15 minutes (tests move it on). */
  constructor(config: Config, core: ChatCore, logger: Logger, clock: () => number = Date.now) {
    const log = logger.child({ platform: 'discord' });
    this.log = log;
    this.client = createDiscordClient(config);
    watchDiscordRest(this.client.rest);
    this.parts = { core, config, status: new StatusMessages(log), gate: new StoryGate(), log, clock };
    this.handler = new InteractionHandler(this.parts);
    this.delivery = new DiscordDelivery(this.client, this.parts);
  }

  /** Registers as core's Discord delivery, and logs in (resolves once ready). */
  async start(): Promise<void> {
    const token = this.parts.config.DISCORD_TOKEN;
    if (!token) throw new Error('storyloom discord: DISCORD_TOKEN is not set. See docs/discord.md.');
    this.client.on(Events.InteractionCreate, (interaction) => void this.handler.handle(interaction));
    this.client.on(Events.Error, (error) => this.log.error(`storyloom discord: client error: ${error.message}`));
    this.client.on(Events.Warn, (message) => this.log.warn(`storyloom discord (discord.js): ${message}`));
    this.client.on(Events.Debug, (message) => this.log.trace(`storyloom discord (discord.js): ${message}`));
    this.parts.core.registerDelivery('discord', this);
    await logIn(this.client, token).catch((error: unknown) => {
      throw explainLoginError(error, this.parts.config);
    });
    const servers = this.client.guilds.cache.size;
    const name = this.client.user?.username ?? 'the bot';
    this.log.info(`storyloom discord: logged in as ${name}, in ${servers} server(s)${describeShards(this.client)}`);
  }

  /** Logs out; status messages are forgotten (their jobs' lines still reach the threads after a restart). */
  async stop(): Promise<void> {
    await this.parts.status.clear();
    await this.client.destroy();
  }

  /** Ready while every gateway shard of this process is. */
  health(): ChatHealth {
    const problem = discordGatewayProblem(this.client.ws.shards.values());
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

/** The Discord adapter for main.ts (needs DISCORD_TOKEN); `start()` logs in and registers its delivery. */
export function createDiscordAdapter(config: Config, core: ChatCore, log: Logger): DiscordAdapter {
  return new DiscordAdapter(config, core, log);
}
