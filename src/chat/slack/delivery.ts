/**
 * What core asks the Slack adapter to deliver later: lines (a thread reply with
 * the story's buttons and metadata naming the line; the job's status message is
 * then deleted), progress (the status message, edited) and failures (the status
 * message becomes the notice). A line that may be in the thread already is
 * looked for there first, so it is posted once.
 */
import { storyButtons } from '../../core/buttons.ts';
import type { ChatDelivery, FailureDelivery, LineDelivery, ProgressDelivery } from '../../core/types.ts';
import type { Line, Story } from '../../stories/schema.ts';
import type { PostedLines } from './posted-lines.ts';
import type { SlackPlace, SlackPoster } from './poster.ts';
import { lineMessage, noticeMessage } from './render.ts';
import type { StatusMessages } from './status-messages.ts';

/** Where a story's messages go: its thread, or its channel when it has none. */
export function placeOf(story: Story): SlackPlace {
  return { channel: story.place.channel, thread: story.place.thread };
}

/** Delivers lines, progress and failures to Slack threads. */
export class SlackDelivery implements ChatDelivery {
  constructor(
    private readonly poster: SlackPoster,
    private readonly status: StatusMessages,
    private readonly posted: PostedLines,
    private readonly log: (message: string) => void,
  ) {}

  async deliverLine({ story, line, jobId, buttons, maybePosted = false }: LineDelivery): Promise<void> {
    const status = await this.status.close(jobId);
    if (!(maybePosted && await this.isPosted(story, line))) await this.poster.post(placeOf(story), lineMessage({ line, buttons }));
    if (status) await this.poster.delete(status).catch((error: Error) => this.log(`storyloom slack: status message not deleted: ${error.message}`));
  }

  /** Whether the line is in the thread already; when the thread cannot be read, false (better twice than never). */
  private async isPosted(story: Story, line: Line): Promise<boolean> {
    try {
      return await this.posted.has(placeOf(story), line);
    } catch (error) {
      this.log(`storyloom slack: could not read the thread of story ${story.id} before posting a line again: ${(error as Error).message}`);
      return false;
    }
  }

  async deliverProgress({ story, jobId, text }: ProgressDelivery): Promise<void> {
    this.status.show(jobId, story.id, placeOf(story), text);
  }

  async deliverFailure({ story, jobId, text }: FailureDelivery): Promise<void> {
    const status = await this.status.close(jobId);
    const notice = noticeMessage(`⚠️ ${text}`, storyButtons(story));
    if (status) await this.poster.update(status, notice);
    else await this.poster.post(placeOf(story), notice);
  }
}
