/**
 * The replies that show a waiting job: job id → the interaction's reply and its
 * frame. Progress edits go through an EditThrottle (at most one every 2 s); the
 * outcome is the last edit. Kept in memory only: interaction tokens never go to
 * the mailbox, so after a restart (or past a token's 15 minutes) a job has no
 * live reply and its outcome goes to the thread with the bot token.
 */
import { EditThrottle } from '../throttle.ts';
import type { Frame } from './render.ts';
import type { Responder } from './responder.ts';

/** Discord allows 5 edits per 5 s per channel; storyloom keeps it to one every 2 s per reply. */
const EDIT_INTERVAL_MS = 2000;
/** Past this age a reply's token is dead; its entry is dropped. */
const MAX_AGE_MS = 15 * 60_000;

interface LiveReply {
  responder: Responder;
  frame: Frame;
}

/** Live interaction replies by job id. */
export class LiveReplies {
  private readonly replies = new Map<string, LiveReply>();
  private readonly throttle = new EditThrottle<string>((jobId, status) => this.edit(jobId, status), EDIT_INTERVAL_MS);

  constructor(private readonly log: (message: string) => void) {}

  /** From now on the job's progress and outcome edit this reply; shows `status` at once. */
  follow(jobId: string, responder: Responder, frame: Frame, status: string): void {
    for (const [id, reply] of this.replies) if (reply.responder.ageMs > MAX_AGE_MS) this.replies.delete(id);
    this.replies.set(jobId, { responder, frame });
    this.throttle.update(jobId, status);
  }

  /** Queues a progress edit; false when no live reply shows this job. */
  progress(jobId: string, status: string): boolean {
    if (!this.replies.has(jobId)) return false;
    this.throttle.update(jobId, status);
    return true;
  }

  /** Shows the job's outcome in its reply (dropping queued progress); false when no live reply could show it. */
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

  private async editReply(jobId: string, reply: LiveReply, status: string): Promise<boolean> {
    try {
      return await reply.responder.editIfLive(reply.frame(status));
    } catch (error) {
      this.log(`storyloom discord: the reply for job ${jobId} could not be edited: ${(error as Error).message}`);
      return false;
    }
  }
}
