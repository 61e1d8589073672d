/**
 * The one `interactionCreate` handler: slash commands (commands.ts) and
 * storyloom's buttons. Each interaction is deferred first (within Discord's 3 s),
 * then handed to core with its context. Button ids carry everything
 * (`sl:<action>:<storyId>:<version>`), so buttons keep working after a restart.
 * A vote's button (`sl:vote:<storyId>:<voteId>:<n>`) is deferred privately, so
 * only the voter sees the answer ("You voted for candidate 2."), refusals too.
 * What the work throws goes to the error edge (edge.ts).
 */
import type { ButtonInteraction, Interaction, RepliableInteraction } from 'discord.js';
import { findCommand } from '../../../../commands/index.ts';
import { parseButtonId, readButtonId } from '../../../core/buttons.ts';
import type { CommandContext } from '../../../core/types.ts';
import { contextOf } from '../context.ts';
import { report } from '../edge.ts';
import type { DiscordParts } from '../parts.ts';
import { Responder } from '../responder.ts';
import { showReply } from '../show-reply.ts';
import { runCommand, runOnStory } from './commands.ts';

type Work = (responder: Responder, ctx: CommandContext) => Promise<void>;

/** Serves every interaction storyloom gets. */
export class InteractionHandler {
  constructor(private readonly parts: DiscordParts) {}

  /** Handles one interaction; never throws. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const ephemeral = findCommand(interaction.commandName)?.ephemeral ?? false;
      await this.run(interaction, ephemeral, (responder, ctx) => runCommand(this.parts, interaction, responder, ctx));
    } else if (interaction.isButton() && interaction.customId.startsWith('sl:')) {
      if (readButtonId(interaction.customId)?.action === 'vote') {
        await this.run(interaction, true, (responder, ctx) => this.vote(interaction, responder, ctx));
      } else {
        await this.run(interaction, false, (responder, ctx) => this.button(interaction, responder, ctx));
      }
    }
  }

  private async run(interaction: RepliableInteraction, ephemeral: boolean, work: Work): Promise<void> {
    const responder = new Responder(interaction, this.parts.log, this.parts.clock);
    try {
      await responder.defer(ephemeral);
      await work(responder, await contextOf(interaction, this.parts.config));
    } catch (error) {
      await report(responder, error, this.parts.log);
    }
  }

  /**
   * A vote: answered privately. It queues no job, so it holds no deliveries back: the vote may close on it, and
   * its closing edit and the winner's line go out before the answer.
   */
  private async vote(interaction: ButtonInteraction, responder: Responder, ctx: CommandContext): Promise<void> {
    await showReply(this.parts.status, responder, ctx, await this.parts.core.press(ctx, interaction.customId));
  }

  private async button(interaction: ButtonInteraction, responder: Responder, ctx: CommandContext): Promise<void> {
    const { storyId } = parseButtonId(interaction.customId);
    await runOnStory(this.parts, storyId, responder, ctx, () => this.parts.core.press(ctx, interaction.customId));
  }
}
