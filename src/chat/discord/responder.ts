/**
 * One interaction's answer. It defers within Discord's 3 s, then edits the reply,
 * adds followups, and reports errors privately. When the interaction token no
 * longer works (10062 past the deadline, 50027 or 10015 once it expired), a
 * public reply carries on with the bot token: a message in the interaction's
 * channel or thread, edited in place from then on. A private one (an ephemeral
 * reply, an error) is never posted for all to see: it goes to the log instead.
 * A public reply that was shown is a message of the bot's: once its token is gone,
 * the bot token edits it (bot-edits.ts).
 */
import { MessageFlags, type Message, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../../log.ts';
import { isTokenGone } from './api-errors.ts';
import { editAsBot } from './bot-edits.ts';
import { channelOf } from './context.ts';
import type { StatusTarget } from './status-messages.ts';
import { NO_MENTIONS, clip, type Body } from './render.ts';

/** Interaction tokens live 15 minutes; stop using one a little before that. */
const TOKEN_LIFETIME_MS = 14.5 * 60_000;

/** Replies to one interaction, falling back to the bot token when its token is gone. */
export class Responder implements StatusTarget {
  /** When the interaction arrived (its token's clock), by `clock`. */
  readonly receivedAt: number;
  private viaChannel = false;
  private ephemeral = false;
  private shown = false;
  private posted: Message | null = null;
  /** The interaction's public reply, once shown: the bot token can still edit it after the token is gone. */
  private reply: Message | null = null;
  private tokenGone = false;

  constructor(
    private readonly interaction: RepliableInteraction,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.receivedAt = clock();
  }

  /** How long ago the interaction arrived. */
  get ageMs(): number {
    return this.clock() - this.receivedAt;
  }

  /** The interaction, for logs: `/story` or `button sl:continue:…`. */
  get label(): string {
    const i = this.interaction;
    return i.isChatInputCommand() ? `/${i.commandName}` : `button ${i.isButton() ? i.customId : i.id}`;
  }

  /** Acknowledges the interaction (Discord shows "thinking…"); only the user sees an ephemeral one. */
  async defer(ephemeral: boolean): Promise<void> {
    this.ephemeral = ephemeral;
    try {
      await this.interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    } catch (error) {
      this.fallBack(error);
    }
  }

  /**
   * Shows `body` as the reply, and returns the message: a channel message once the
   * token is gone, or null when the reply is private and the token is gone (logged instead).
   */
  async show(body: Body): Promise<Message | null> {
    if (!this.viaChannel) {
      try {
        const message = await this.interaction.editReply({ ...body, allowedMentions: NO_MENTIONS });
        this.shown = true;
        this.remember(message);
        return message;
      } catch (error) {
        this.fallBack(error);
      }
    }
    if (this.ephemeral) return this.keepPrivate(body.content);
    this.posted = this.posted
      ? await this.posted.edit({ ...body, allowedMentions: NO_MENTIONS })
      : await this.send(body);
    this.shown = true;
    return this.posted;
  }

  /** Adds a message after the reply (a followup, a channel message once the token is gone, or null as in `show`). */
  async more(body: Body): Promise<Message | null> {
    if (!this.viaChannel) {
      try {
        const flags = this.ephemeral ? ({ flags: MessageFlags.Ephemeral } as const) : {};
        return await this.interaction.followUp({ ...body, allowedMentions: NO_MENTIONS, ...flags });
      } catch (error) {
        this.fallBack(error);
      }
    }
    if (this.ephemeral) return this.keepPrivate(body.content);
    return this.send(body);
  }

  /**
   * Edits the reply while that is still possible: with the interaction token while
   * it lives, then (a public reply) with the bot token. False once it is not
   * possible (the caller posts elsewhere).
   */
  async editIfLive(content: string): Promise<boolean> {
    if (this.viaChannel) {
      if (!this.posted) return false;
      this.posted = await this.posted.edit({ content, allowedMentions: NO_MENTIONS });
      return true;
    }
    if (!this.tokenGone && this.ageMs <= TOKEN_LIFETIME_MS) {
      try {
        this.remember(await this.interaction.editReply({ content, allowedMentions: NO_MENTIONS }));
        return true;
      } catch (error) {
        if (!isTokenGone(error)) throw error;
        this.tokenGone = true;
      }
    }
    if (!this.reply) return false;
    await editAsBot(this.interaction.client, { channelId: this.reply.channelId, id: this.reply.id }, content);
    return true;
  }

  private remember(message: Message): void {
    if (!this.ephemeral) this.reply = message;
  }

  /** Tells the user what went wrong, privately; once the token is gone nobody else may see it, so it is logged. */
  async fail(text: string): Promise<void> {
    if (!this.viaChannel) {
      try {
        await this.failPrivately(text);
        return;
      } catch (error) {
        this.fallBack(error);
      }
    }
    this.keepPrivate(text);
  }

  private async failPrivately(content: string): Promise<void> {
    const i = this.interaction;
    const reply = { content, allowedMentions: NO_MENTIONS, flags: MessageFlags.Ephemeral } as const;
    if (!i.deferred && !i.replied) {
      await i.reply(reply);
    } else if (this.ephemeral) {
      await i.editReply({ content, allowedMentions: NO_MENTIONS });
    } else {
      // Why: a public "thinking…" cannot turn private; remove it (unless it already shows something) and answer
      // privately.
      if (!this.shown) await i.deleteReply();
      await i.followUp(reply);
    }
  }

  private fallBack(error: unknown): void {
    if (!isTokenGone(error)) throw error;
    if (!this.viaChannel) {
      const code = (error as { code: unknown }).code;
      this.log.info(
        { code },
        `storyloom discord: ${this.label}: the interaction token no longer works (${code}); ` +
          'answering with the bot token',
      );
    }
    this.viaChannel = true;
  }

  /** Logs a private reply that can no longer reach its user (never the token; the text clipped to one line). */
  private keepPrivate(content: string): null {
    const text = clip(content.replace(/\s+/g, ' '), 200);
    this.log.warn(
      `storyloom discord: ${this.label}: a private reply was not shown (its interaction token no longer ` +
        `works; posting it in the channel would show it to everyone): ${text}`,
    );
    return null;
  }

  private async send(body: Body): Promise<Message> {
    const channel = await channelOf(this.interaction);
    if (!channel?.isSendable()) throw new Error(`channel ${this.interaction.channelId} does not take messages`);
    return channel.send({ ...body, allowedMentions: NO_MENTIONS });
  }
}
