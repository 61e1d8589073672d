/**
 * The messages that show votes, in their stories' threads (Slack). Core shows a
 * vote one step at a time per story, always its newest state: the first step
 * posts the message (in the channel's turn, like every post), the later ones
 * replace it with `chat.update` as people vote, and the last shows how it closed,
 * without buttons. `chat.update` is a Tier 3 method (https://api.slack.com/methods/chat.update):
 * "50+ per minute … Sporadic bursts are welcome", counted per method, workspace and app
 * (https://docs.slack.dev/apis/web-api/rate-limits), so
 * the edits of an open vote's message are spaced `editIntervalMs` apart (a second by
 * default), and the closing edit goes at once. Whatever Slack still answers 429 to
 * is retried by the Web API client after its Retry-After.
 */
import type { Logger } from '../../log.ts';
import { EditSpacing } from '../throttle.ts';
import type { BotPosts } from './bot-posts.ts';
import type { MessageRef, SlackPlace, SlackPoster } from './poster.ts';
import type { MessageBody } from './render.ts';

/** Slack's error code from a Web API error, if it is one. */
function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Posts, finds and edits vote messages. */
export class VoteMessages {
  /** By message ts: the pacing of its edits (only open votes' messages are kept). */
  private readonly spacing: EditSpacing;

  constructor(
    private readonly poster: SlackPoster,
    private readonly posts: BotPosts,
    private readonly log: Logger,
    editIntervalMs = 1000,
    clock: () => number = Date.now,
  ) {
    this.spacing = new EditSpacing(editIntervalMs, clock);
  }

  /** Posts a vote's message in the place; resolves with where it is. */
  async post(place: SlackPlace, body: MessageBody): Promise<MessageRef> {
    const ref = await this.poster.post(place, body);
    if (!ref) throw new Error('storyloom slack: the vote message was not posted');
    this.spacing.mark(ref.ts);
    return ref;
  }

  /**
   * The vote's message, if the place holds one (posted since about `sinceMs` by a run that stopped before saving
   * it); null when there is none, or when the thread cannot be read (then it is posted again: better twice than
   * never).
   */
  async find(place: SlackPlace, voteId: string, sinceMs: number): Promise<MessageRef | null> {
    try {
      return await this.posts.findVote(place, voteId, sinceMs);
    } catch (error) {
      const why = (error as Error).message;
      const message = `storyloom slack: could not read the thread before posting the vote ${voteId} again: ${why}`;
      this.log.warn({ vote_id: voteId, error: why }, message);
      return null;
    }
  }

  /**
   * Replaces the message's content. An open vote's edit waits until `editIntervalMs` after the message's previous
   * change; a closed vote's (`last`) goes at once. Resolves false when the message is gone (`message_not_found`:
   * someone deleted it), so that the vote can be posted again; rejects on any other error.
   */
  async edit(ref: MessageRef, body: MessageBody, last: boolean): Promise<boolean> {
    if (!last) await this.spacing.turn(ref.ts);
    try {
      await this.poster.update(ref, body);
      return true;
    } catch (error) {
      if (slackErrorCode(error) === 'message_not_found') {
        this.log.warn({ ts: ref.ts }, `storyloom slack: the vote message ${ref.ts} is gone; posting it again`);
        return false;
      }
      throw error;
    } finally {
      this.spacing.mark(ref.ts, last);
    }
  }
}
