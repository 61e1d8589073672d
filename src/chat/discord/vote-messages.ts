/**
 * Role: a vote's message in its story's thread (on Slack, core's chat.update does
 * the same). On Discord it is a message of the bot's, posted once with the bot
 * token and then edited in place (Edit Message, PATCH
 * /channels/{channel.id}/messages/{message.id}: the author may edit its content and
 * components, https://discord.com/developers/docs/resources/message#edit-message),
 * so it works after a restart and past any interaction token's 15 minutes: the
 * new bot takes it over by the id core saved. Posting once: a nonce made from the
 * vote id with `enforce_nonce`, and, when core says it may be there already, a look
 * in the thread for a message of the bot's whose buttons name this vote. A
 * candidate too long for the vote's message is posted in full before it, once,
 * as a line is (bot-posts.ts). Edits are paced per message; the closing edit (no
 * buttons, the winner) is the last.
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Message, type SendableChannels } from 'discord.js';
import { readButtonId } from '../../core/buttons.ts';
import type { Logger } from '../../log.ts';
import { EditSpacing } from '../throttle.ts';
import { customIdsOf, lineNonce, postLine, recentMessages } from './bot-posts.ts';
import { NO_MENTIONS, type VoteBodies } from './render.ts';

/**
 * The least time between two edits of one vote's message. Discord allows about 5 message edits per 5 s per
 * channel (the assumption status-messages.ts makes too; Discord does not publish its per-route numbers and says to
 * read the X-RateLimit headers, https://discord.com/developers/docs/topics/rate-limits, which discord.js does for
 * the rest). One edit every 1.5 s is at most 4 in any 5 s, leaving room for the other messages of the thread, and
 * shows new counts within a press or two. Presses in between are not lost: core shows the newest counts next.
 */
export const VOTE_EDIT_INTERVAL_MS = 1500;

/** How a vote's message is posted. */
export interface VotePostOptions {
  /** The message may be in the thread already (core could not save its id): look before posting. */
  maybePosted: boolean;
  /** The thread's newest messages, when the caller has just read them. */
  recent?: Message[];
  /** The vote has closed (its message has no buttons). */
  closed: boolean;
}

/** Posts votes' messages once and edits them, paced. */
export class VoteMessages {
  /** By message id: the pacing of its edits (forgotten once it shows its vote closed). */
  private readonly spacing = new EditSpacing(VOTE_EDIT_INTERVAL_MS);

  constructor(
    private readonly botId: () => string,
    private readonly log: Logger,
  ) {}

  /**
   * Edits a vote's message to show `bodies` (after the pacing wait). False when the message is gone (someone
   * deleted it): the caller posts it again.
   */
  async edit(channel: SendableChannels, messageId: string, bodies: VoteBodies, closed: boolean): Promise<boolean> {
    await this.spacing.turn(messageId);
    try {
      await channel.messages.edit(messageId, { ...bodies.vote, allowedMentions: NO_MENTIONS });
      return true;
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.code !== RESTJSONErrorCodes.UnknownMessage) throw error;
      this.log.info(`storyloom discord: the vote message ${messageId} is gone; posting the vote again`);
      return false;
    } finally {
      this.spacing.mark(messageId, closed);
    }
  }

  /** Posts a vote's message (its long candidates in full first), once; resolves to its id. */
  async post(channel: SendableChannels, voteId: string, bodies: VoteBodies, options: VotePostOptions): Promise<string> {
    const botId = this.botId();
    const recent = options.maybePosted ? (options.recent ?? (await recentMessages(channel, this.log))) : [];
    const posted = recent.find((m) => m.author.id === botId && namesVote(m, voteId));
    if (posted) {
      // Posted before the bot stopped: it is taken over, and shows the vote as it is now.
      await this.edit(channel, posted.id, bodies, options.closed);
      return posted.id;
    }
    const lineOptions = { maybePosted: options.maybePosted, botId, recent, log: this.log };
    for (const [i, pieces] of bodies.candidates.entries()) {
      await postLine(channel, { id: `${voteId}:${i + 1}` }, pieces, lineOptions);
    }
    const nonce = lineNonce(`vote:${voteId}`, 0);
    const sent = await channel.send({ ...bodies.vote, nonce, enforceNonce: true, allowedMentions: NO_MENTIONS });
    this.spacing.mark(sent.id, options.closed);
    return sent.id;
  }
}

/** Whether a message carries buttons of this vote (an open vote's message). */
function namesVote(message: Message, voteId: string): boolean {
  return customIdsOf(message).some((id) => {
    const press = readButtonId(id);
    return press?.action === 'vote' && press.voteId === voteId;
  });
}
