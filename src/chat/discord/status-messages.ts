/**
 * Role: one status message per waiting job, edited as it waits and finished with
 * its outcome (on Slack, status-messages.ts too). On Discord that message is the
 * interaction's reply: job id → the message that shows it and its frame. That is
 * the interaction's reply (a Responder), or, after a restart, the reply the
 * earlier run made, found again (status-recovery.ts). Progress edits go through an
 * EditThrottle (at most one every 2 s); the outcome is the last edit. Interaction
 * tokens stay in memory and never go to the mailbox; a public reply is edited with
 * the bot token once its token is gone.
 */
import type { Logger } from '../../log.ts';
import { EditThrottle } from '../throttle.ts';
import type { Frame } from './render.ts';

/** Discord allows 5 edits per 5 s per channel; storyloom keeps it to one every 2 s per reply. */
const EDIT_INTERVAL_MS = 2000;
/** The most replies followed at once (the oldest is dropped first); a bound on memory, far above the queue's. */
const MAX_FOLLOWED = 10_000;

/** A message that shows a job's status. */
export interface StatusTarget {
  /** Shows `content`; false once that is no longer possible (the caller posts elsewhere). */
  editIfLive(content: string): Promise<boolean>;
}

interface StatusReply {
  target: StatusTarget;
  frame: Frame;
}

/** The replies that show waiting jobs, by job id. */
export class StatusMessages {
  private readonly replies = new Map<string, StatusReply>();
  private readonly throttle = new EditThrottle<string>((jobId, status) => this.edit(jobId, status), EDIT_INTERVAL_MS);

  constructor(private readonly log: Logger) {}

  /** From now on the job's progress and outcome edit this reply; shows `status` at once. */
  follow(jobId: string, target: StatusTarget, frame: Frame, status: string): void {
    this.adopt(jobId, target, frame);
    this.throttle.update(jobId, status);
  }

  /** From now on the job's progress and outcome edit this reply (found again after a restart); shows nothing yet. */
  adopt(jobId: string, target: StatusTarget, frame: Frame): void {
    this.replies.delete(jobId);
    this.replies.set(jobId, { target, frame });
    if (this.replies.size > MAX_FOLLOWED) this.replies.delete(this.replies.keys().next().value!);
  }

  /** Whether a reply shows this job. */
  has(jobId: string): boolean {
    return this.replies.has(jobId);
  }

  /** Queues a progress edit; false when no reply shows this job. */
  progress(jobId: string, status: string): boolean {
    if (!this.replies.has(jobId)) return false;
    this.throttle.update(jobId, status);
    return true;
  }

  /** Shows the job's outcome in its reply (dropping queued progress); false when no reply could show it. */
  async finish(jobId: string, status: string): Promise<boolean> {
    const reply = this.replies.get(jobId);
    if (!reply) return false;
    this.replies.delete(jobId);
    await this.throttle.settle(jobId);
    return this.editReply(jobId, reply, status);
  }

  /** Forgets every reply (the adapter is stopping). */
  async clear(): Promise<void> {
    const ids = [...this.replies.keys()];
    this.replies.clear();
    await Promise.all(ids.map((id) => this.throttle.settle(id)));
  }

  private async edit(jobId: string, status: string): Promise<void> {
    const reply = this.replies.get(jobId);
    if (reply && !(await this.editReply(jobId, reply, status))) this.replies.delete(jobId);
  }

  private async editReply(jobId: string, reply: StatusReply, status: string): Promise<boolean> {
    try {
      return await reply.target.editIfLive(reply.frame(status));
    } catch (error) {
      const why = (error as Error).message;
      const message = `storyloom discord: the reply for job ${jobId} could not be edited: ${why}`;
      this.log.warn({ job_id: jobId, error: why }, message);
      return false;
    }
  }
}
