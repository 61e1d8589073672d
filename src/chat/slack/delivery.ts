/**
 * Role: what core asks the adapter to deliver later (on Discord and in the
 * playground, delivery.ts too). On Slack: lines (a thread reply with the story's
 * buttons and metadata naming the line; the job's status message is then deleted),
 * progress (the status message, edited), failures (the status message becomes
 * the notice) and votes (a message in the thread with a button per candidate,
 * posted once and then updated as people vote and when it closes; the job's status
 * message then says the candidates are up for a vote). A line or vote message
 * that may be in the thread already is looked for there first, so it is posted
 * once. Before the first delivery for a story with jobs from before a restart,
 * the status messages the earlier run left are taken over or removed
 * (status-recovery.ts).
 */
import { storyButtons } from '../../core/buttons.ts';
import type {
  ChatDelivery,
  FailureDelivery,
  Line,
  LineDelivery,
  ProgressDelivery,
  Story,
  VoteDelivery,
} from '../../core/types.ts';
import type { Logger } from '../../log.ts';
import { count } from '../../stories/plural.ts';
import type { BotPosts, ThreadScan } from './bot-posts.ts';
import { placeOf, type SlackPoster } from './poster.ts';
import { doneMessage, failureMessage, lineMessage, voteMessage } from './render.ts';
import type { StatusMessages } from './status-messages.ts';
import type { StatusRecovery } from './status-recovery.ts';
import type { VoteMessages } from './vote-messages.ts';

/** What the delivery side works with. */
export interface SlackDeliveryParts {
  poster: SlackPoster;
  status: StatusMessages;
  recovery: StatusRecovery;
  posts: BotPosts;
  votes: VoteMessages;
  log: Logger;
}

/** Delivers lines, progress and failures to Slack threads. */
export class SlackDelivery implements ChatDelivery {
  constructor(private readonly parts: SlackDeliveryParts) {}

  async deliverLine({ story, line, jobId, buttons, maybePosted = false }: LineDelivery): Promise<void> {
    const { poster, status, recovery, log } = this.parts;
    const scan = await recovery.ready(story, jobId);
    const shown = await status.close(jobId);
    if (!(maybePosted && (await this.isPosted(story, line, scan)))) {
      await poster.post(placeOf(story), lineMessage({ line, buttons }));
    }
    if (shown) {
      await poster.delete(shown).catch((error: Error) => {
        log.warn({ job_id: jobId }, `storyloom slack: status message not deleted: ${error.message}`);
      });
    }
  }

  /**
   * Whether the line is in the thread already: from `scan` when this delivery has
   * just read the thread (from before the line's job) to the end, or else by a read
   * of its own. When the thread cannot be read, false (better twice than never).
   */
  private async isPosted(story: Story, line: Line, scan: ThreadScan | undefined): Promise<boolean> {
    if (scan && (scan.complete || scan.lines.has(line.id))) return scan.lines.has(line.id);
    try {
      return await this.parts.posts.hasLine(placeOf(story), line);
    } catch (error) {
      const why = (error as Error).message;
      const what = `the thread of story ${story.id}`;
      const message = `storyloom slack: could not read ${what} before posting a line again: ${why}`;
      this.parts.log.warn({ story_id: story.id, error: why }, message);
      return false;
    }
  }

  async deliverProgress({ story, jobId, text }: ProgressDelivery): Promise<void> {
    // Not awaited: progress is best effort, and a thread read must not hold up other stories' progress.
    const show = () => this.parts.status.show(jobId, story.id, placeOf(story), text);
    void this.parts.recovery.ready(story, jobId).then(show);
  }

  async deliverFailure({ story, jobId, text }: FailureDelivery): Promise<void> {
    const { poster, status, recovery } = this.parts;
    await recovery.ready(story, jobId);
    const shown = await status.close(jobId);
    const notice = failureMessage(`⚠️ ${text}`, storyButtons(story), jobId);
    if (shown) await poster.update(shown, notice);
    else await poster.post(placeOf(story), notice);
  }

  async deliverVote({ story, vote, view, buttons, maybePosted = false }: VoteDelivery): Promise<string> {
    const { poster, status, recovery, votes, log } = this.parts;
    const place = placeOf(story);
    const body = voteMessage(view, buttons, vote.id, story.id);
    if (vote.message) {
      const closing = vote.status === 'closed';
      if (await votes.edit({ channel: place.channel, ts: vote.message }, body, closing)) return vote.message;
      // Its message was deleted: the vote is shown in a new one (core saves its ts).
    }
    await recovery.ready(story, vote.job_id);
    const shown = await status.close(vote.job_id);
    // Posted by a run that stopped before its ts was saved: that message is shown (and edited) from now on.
    let ref = maybePosted ? await votes.find(place, vote.id, Date.parse(vote.opened_at)) : null;
    if (ref && !(await votes.edit(ref, body, vote.status === 'closed'))) ref = null;
    ref ??= await votes.post(place, body);
    if (shown) {
      const n = count(vote.candidates.length, 'candidate');
      const text =
        vote.status === 'open'
          ? `✅ Written: ${n} are up for a vote in the thread.`
          : `✅ Written: ${n}, put to a vote in the thread.`;
      await poster.update(shown, doneMessage(text, vote.job_id)).catch((error: Error) => {
        log.warn({ job_id: vote.job_id }, `storyloom slack: status message not finished: ${error.message}`);
      });
    }
    return ref.ts;
  }
}
