/**
 * Role: one status message per waiting job (on Discord, status-messages.ts too).
 * On Slack it is a message in the story's thread: posted when the job is queued,
 * edited as its place in line and ETA change (at most once every two seconds), and
 * handed over when the line (or a failure) arrives. A job that finished before its
 * status message got its turn to be posted gets none. Each status message carries
 * metadata naming its job, so that after a restart the new run can take it over
 * ({@link StatusMessages.claim}) instead of posting another.
 */
import type { Logger } from '../../log.ts';
import { EditThrottle } from '../throttle.ts';
import type { MessageRef, SlackPlace, SlackPoster } from './poster.ts';
import { statusMessage } from './render.ts';

interface Status {
  storyId: string;
  posted: Promise<MessageRef | null>;
  shown: string;
  closed: boolean;
}

/** The most finished job ids remembered (to skip late status posts). */
const FINISHED_KEPT = 2000;

/** Status messages of waiting jobs, by job id. */
export class StatusMessages {
  private readonly byJob = new Map<string, Status>();
  private readonly finished = new Set<string>();
  private readonly edits: EditThrottle<string>;

  constructor(
    private readonly poster: SlackPoster,
    private readonly log: Logger,
    editIntervalMs = 2000,
  ) {
    this.edits = new EditThrottle<string>((jobId, text) => this.edit(jobId, text), editIntervalMs);
  }

  /** Shows `text` as the job's status: posts the message the first time, edits it after that. */
  show(jobId: string, storyId: string, place: SlackPlace, text: string): void {
    if (this.finished.has(jobId)) return;
    const known = this.byJob.get(jobId);
    if (known) {
      this.edits.update(jobId, text);
      return;
    }
    const status: Status = { storyId, shown: text, closed: false, posted: Promise.resolve(null) };
    const stillWanted = () => !status.closed;
    status.posted = this.poster.post(place, statusMessage(text, jobId, storyId), stillWanted).catch((error: Error) => {
      this.log.warn({ job_id: jobId }, `storyloom slack: status message for job ${jobId} not posted: ${error.message}`);
      return null;
    });
    this.byJob.set(jobId, status);
    // Counts the post as the first edit, so the next one waits a whole interval.
    this.edits.update(jobId, text);
  }

  /**
   * Takes over a status message found in the thread (posted by an earlier run of
   * the bot) for a job that is `wanted` (still waiting, or about to be delivered):
   * the next `show` edits it, and `close` hands it over. True when the message is
   * the job's status from now on (or already was); false when it is not wanted
   * (the job is over, or it has another status message): then it should go.
   */
  async claim(jobId: string, storyId: string, ref: MessageRef, wanted: boolean): Promise<boolean> {
    const known = this.byJob.get(jobId);
    if (known) return (await known.posted)?.ts === ref.ts;
    if (!wanted || this.finished.has(jobId)) return false;
    // Shown as nothing yet: the next `show` edits it, whatever it says.
    this.byJob.set(jobId, { storyId, posted: Promise.resolve(ref), shown: '', closed: false });
    return true;
  }

  /** Ends the job's status: no more edits; resolves with its message, if one was posted. */
  async close(jobId: string): Promise<MessageRef | null> {
    this.remember(jobId);
    const status = this.byJob.get(jobId);
    if (!status) return null;
    status.closed = true;
    this.byJob.delete(jobId);
    await this.edits.settle(jobId);
    return status.posted;
  }

  /** Closes the status of every job of a story and deletes their messages (the story ended). */
  async closeStory(storyId: string): Promise<void> {
    const jobs = [...this.byJob].filter(([, s]) => s.storyId === storyId).map(([jobId]) => jobId);
    for (const jobId of jobs) {
      const ref = await this.close(jobId);
      if (!ref) continue;
      await this.poster.delete(ref).catch((error: Error) => {
        this.log.warn({ job_id: jobId }, `storyloom slack: status message not deleted: ${error.message}`);
      });
    }
  }

  private async edit(jobId: string, text: string): Promise<void> {
    const status = this.byJob.get(jobId);
    const ref = status ? await status.posted : null;
    if (!status || status.closed || !ref || text === status.shown) return;
    status.shown = text;
    await this.poster.update(ref, statusMessage(text, jobId, status.storyId)).catch((error: Error) => {
      this.log.warn({ job_id: jobId }, `storyloom slack: status of job ${jobId} not updated: ${error.message}`);
    });
  }

  private remember(jobId: string): void {
    this.finished.add(jobId);
    if (this.finished.size > FINISHED_KEPT) this.finished.delete(this.finished.values().next().value!);
  }
}
