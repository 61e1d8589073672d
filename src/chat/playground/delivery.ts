/**
 * Role: what core asks the adapter to deliver later: lines, progress, failures and
 * votes (on Discord and Slack, delivery.ts too). In the playground each goes to every
 * open page as an event; a line goes once per line id, a repeat is a no-op. Pages
 * draw a thread from the story itself (and load it again when they reconnect to a
 * restarted bot), so a line never shows twice.
 *
 * A vote has no message to post or edit here: each showing is a `vote` event with
 * the story as it is now (its counts, or who won), and the vote's "message id" is
 * `vote:<voteId>`, the same every time (and after a restart), so nothing is ever
 * looked for or posted twice.
 */
import type { ChatDelivery, FailureDelivery, LineDelivery, ProgressDelivery, VoteDelivery } from '../../core/types.ts';
import { RecentKeys } from '../recent.ts';
import type { EventHub } from './events.ts';
import { lineView, storyView, voteJson } from './render.ts';

/** The id core saves for the "message" that shows a vote in the playground. */
export const voteMessageId = (voteId: string) => `vote:${voteId}`;

/** Delivers lines, progress and failures to the open pages. */
export class PlaygroundDelivery implements ChatDelivery {
  /** The lines already sent to the pages. */
  private readonly postedLines = new RecentKeys();

  constructor(private readonly events: EventHub) {}

  async deliverLine(d: LineDelivery): Promise<void> {
    if (!this.postedLines.first(d.line.id)) return;
    const { story, jobId, line } = d;
    this.events.send('line', { storyId: story.id, jobId, line: lineView(line), story: storyView(story) });
  }

  async deliverProgress(d: ProgressDelivery): Promise<void> {
    const { story, jobId, text, progress, requestedBy } = d;
    this.events.send('progress', { storyId: story.id, jobId, text, progress, requestedBy: requestedBy.name });
  }

  async deliverFailure(d: FailureDelivery): Promise<void> {
    this.events.send('failure', { storyId: d.story.id, jobId: d.jobId, text: d.text, requestedBy: d.requestedBy.name });
  }

  /**
   * Shows a vote on every page: its first showing also says what the job wrote (the playground's "status message"
   * is the progress its pages showed, which the story's vote replaces).
   */
  async deliverVote(d: VoteDelivery): Promise<string> {
    const { story, vote } = d;
    const first = vote.message === null && vote.status === 'open';
    const text = first ? `✅ Written: ${vote.candidates.length} candidates are up for a vote below.` : null;
    const data = { storyId: story.id, jobId: vote.job_id, text, vote: voteJson(story, vote), story: storyView(story) };
    this.events.send('vote', data);
    return voteMessageId(vote.id);
  }
}
