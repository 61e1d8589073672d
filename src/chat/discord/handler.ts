/**
 * The one `interactionCreate` handler: slash commands and storyloom's buttons.
 * Each interaction is deferred first (within Discord's 3 s), then handed to core
 * with its context. Button ids carry everything (`sl:<action>:<storyId>:<version>`),
 * so buttons keep working after a restart. This is the error edge: a UserError
 * is told privately as it is, anything else gets the apology and a log line, and
 * nothing one interaction does can crash the process.
 */
import type { ButtonInteraction, ChatInputCommandInteraction, Interaction, RepliableInteraction } from 'discord.js';
import { findCommand } from '../../../commands/index.ts';
import { parseButtonId } from '../../core/buttons.ts';
import { isUserError } from '../../core/errors.ts';
import type { CommandContext, Reply } from '../../core/types.ts';
import { APOLOGY } from '../adapter.ts';
import { isMissingPermission, missingPermissionError } from './api-errors.ts';
import { contextOf } from './context.ts';
import type { AdapterParts } from './parts.ts';
import { Responder } from './responder.ts';
import { showReply } from './show-reply.ts';
import { startStory } from './start-story.ts';

/** What a waiting line's reply says when its story ends first. */
export const STORY_ENDED = '🛑 The story ended before this line was written.';

type Work = (responder: Responder, ctx: CommandContext) => Promise<void>;

/** Serves every interaction storyloom gets. */
export class InteractionHandler {
  constructor(private readonly parts: AdapterParts) {}

  /** Handles one interaction; never throws. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const ephemeral = findCommand(interaction.commandName)?.ephemeral ?? false;
      await this.run(interaction, ephemeral, (responder, ctx) => this.command(interaction, responder, ctx));
    } else if (interaction.isButton() && interaction.customId.startsWith('sl:')) {
      await this.run(interaction, false, (responder, ctx) => this.button(interaction, responder, ctx));
    }
  }

  private async run(interaction: RepliableInteraction, ephemeral: boolean, work: Work): Promise<void> {
    const responder = new Responder(interaction, this.parts.log, this.parts.clock);
    try {
      await responder.defer(ephemeral);
      await work(responder, await contextOf(interaction, this.parts.config));
    } catch (error) {
      await this.report(responder, error);
    }
  }

  private async command(interaction: ChatInputCommandInteraction, responder: Responder, ctx: CommandContext): Promise<void> {
    const name = interaction.commandName;
    const raw = Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value]));
    if (name === 'story') return startStory(this.parts, interaction, responder, ctx, raw);
    const { core } = this.parts.bot;
    if (findCommand(name)?.scope !== 'thread') return showReply(this.parts.live, responder, ctx, await core.run(ctx, name, raw));
    const storyId = core.storyIdIn(ctx);
    await this.storyCommand(storyId, responder, ctx, () => core.run(ctx, name, raw, storyId));
  }

  private async button(interaction: ButtonInteraction, responder: Responder, ctx: CommandContext): Promise<void> {
    const { storyId } = parseButtonId(interaction.customId);
    await this.storyCommand(storyId, responder, ctx, () => this.parts.bot.core.press(ctx, interaction.customId));
  }

  /** Runs a command on one story, holding its deliveries meanwhile; a job that /end withdrew gets its reply closed. */
  private async storyCommand(storyId: string, responder: Responder, ctx: CommandContext, call: () => Promise<Reply>): Promise<void> {
    const release = this.parts.gate.hold(storyId);
    try {
      const withdrawn = this.parts.bot.stories.get(storyId).pending?.job_id;
      const reply = await call();
      await showReply(this.parts.live, responder, ctx, reply);
      if (withdrawn && reply.story?.status === 'ended') await this.parts.live.finish(withdrawn, STORY_ENDED);
    } finally {
      release();
    }
  }

  private async report(responder: Responder, error: unknown): Promise<void> {
    const known = isUserError(error) ? error : isMissingPermission(error) ? missingPermissionError() : null;
    if (!known) this.parts.log(`storyloom discord: ${responder.label} failed: ${(error as Error)?.stack ?? String(error)}`);
    try {
      await responder.fail(known?.message ?? APOLOGY);
    } catch (failure) {
      this.parts.log(`storyloom discord: ${responder.label}: could not tell the user: ${(failure as Error)?.message ?? String(failure)}`);
    }
  }
}
