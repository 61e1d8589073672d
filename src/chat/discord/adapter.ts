/**
 * The Discord adapter: a discord.js client (Guilds intent only) whose one
 * interaction handler serves storyloom's commands and buttons, and the delivery
 * side core calls later. Lines are posted in the story's thread with the bot
 * token (so they arrive after a restart, or past an interaction token's 15
 * minutes, too), each once (message nonces, and a look at the thread when core
 * says a line may be there already); the interaction's reply shows progress
 * and then a short outcome (after a restart, the reply the earlier run made is
 * found again and finished: earlier-replies.ts).
 */
import { Events, type Client, type SendableChannels } from 'discord.js';
import type { Bot } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { FailureDelivery, LineDelivery, ProgressDelivery } from '../../core/types.ts';
import type { Story } from '../../stories/schema.ts';
import type { ChatAdapter } from '../adapter.ts';
import { createDiscordClient, logIn } from './client.ts';
import { EarlierReplies } from './earlier-replies.ts';
import { InteractionHandler } from './handler.ts';
import { postLine } from './line-posts.ts';
import { LiveReplies } from './live-replies.ts';
import { explainLoginError } from './login-errors.ts';
import type { AdapterParts } from './parts.ts';
import { NO_MENTIONS, lineBodies, textBodies, type Body } from './render.ts';
import { StoryGate } from './story-gate.ts';

/** What a live reply says once its line is in the thread. */
export const LINE_POSTED = '✅ Written: the new line is in the thread.';

/** storyloom on Discord. */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord';
  /** The discord.js client (tests reuse its REST manager). */
  readonly client: Client;
  private readonly parts: AdapterParts;
  private readonly handler: InteractionHandler;
  private readonly earlier: EarlierReplies;

  /** `clock` tells the time for interaction tokens' 15 minutes (tests move it on). */
  constructor(config: Config, bot: Bot, private readonly log: (message: string) => void, clock: () => number = Date.now) {
    this.client = createDiscordClient(config);
    this.parts = { bot, config, live: new LiveReplies(log), gate: new StoryGate(), log, clock };
    this.handler = new InteractionHandler(this.parts);
    this.earlier = new EarlierReplies(this.client, this.parts.live, log);
  }

  /** Registers as core's Discord delivery, and logs in (resolves once ready). */
  async start(): Promise<void> {
    const token = this.parts.config.DISCORD_TOKEN;
    if (!token) throw new Error('storyloom discord: DISCORD_TOKEN is not set. See docs/discord.md.');
    this.client.on(Events.InteractionCreate, (interaction) => void this.handler.handle(interaction));
    this.client.on(Events.Error, (error) => this.log(`storyloom discord: client error: ${error.message}`));
    this.parts.bot.deliveries.register('discord', this);
    await logIn(this.client, token).catch((error: unknown) => {
      throw explainLoginError(error, this.parts.config);
    });
    this.log(`storyloom discord: logged in as ${this.client.user?.username ?? 'the bot'}, in ${this.client.guilds.cache.size} server(s)`);
  }

  /** Logs out; live replies are forgotten (their jobs' lines still reach the threads after a restart). */
  async stop(): Promise<void> {
    await this.parts.live.clear();
    await this.client.destroy();
  }

  /**
   * Posts a generated line (with its buttons) in the story's thread, once (see
   * line-posts.ts), then closes the live reply, if any.
   */
  async deliverLine({ story, line, jobId, buttons, maybePosted = false }: LineDelivery): Promise<void> {
    await this.parts.gate.wait(story.id);
    const recent = await this.earlier.ready(story, jobId, line.by.id);
    const options = { maybePosted, botId: this.client.user?.id ?? '', log: this.log, recent };
    await postLine(await this.channelOf(story), line, lineBodies(line, buttons), options);
    await this.parts.live.finish(jobId, LINE_POSTED);
  }

  /** Shows progress in the job's live reply (throttled); a job without one shows none. */
  async deliverProgress({ story, jobId, requestedBy, text }: ProgressDelivery): Promise<void> {
    // Not awaited: progress is best effort, and a look for an old reply must not hold up other jobs' progress.
    void this.earlier.ready(story, jobId, requestedBy.id).then(() => this.parts.live.progress(jobId, text));
  }

  /** Shows why a job failed: in its live reply, or else in the story's thread. */
  async deliverFailure({ story, jobId, requestedBy, text }: FailureDelivery): Promise<void> {
    await this.parts.gate.wait(story.id);
    await this.earlier.ready(story, jobId, requestedBy.id);
    if (await this.parts.live.finish(jobId, `⚠️ ${text}`)) return;
    await this.post(story, textBodies(`⚠️ ${requestedBy.name}: ${text}`));
  }

  /** Sends messages into the story's thread (or its channel) with the bot token. */
  private async post(story: Story, bodies: Body[]): Promise<void> {
    const channel = await this.channelOf(story);
    for (const body of bodies) await channel.send({ ...body, allowedMentions: NO_MENTIONS });
  }

  /** The story's thread (or its channel), where the bot token posts. */
  private async channelOf(story: Story): Promise<SendableChannels> {
    const target = story.place.thread ?? story.place.channel;
    const channel = await this.client.channels.fetch(target);
    if (!channel?.isSendable()) throw new Error(`storyloom discord: channel ${target} does not take messages`);
    return channel;
  }
}
