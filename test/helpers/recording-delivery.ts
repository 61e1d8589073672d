/** A ChatDelivery that records what core asks it to deliver, for tests. */
import type {
  ChatDelivery,
  FailureDelivery,
  LineDelivery,
  ProgressDelivery,
  VoteDelivery,
} from '../../src/core/types.ts';

/** Records deliveries and lets tests wait for them. */
export class RecordingDelivery implements ChatDelivery {
  readonly lines: LineDelivery[] = [];
  readonly progress: ProgressDelivery[] = [];
  readonly failures: FailureDelivery[] = [];
  /** Every showing of a vote, in order: the first posts its message, the rest edit it. */
  readonly votes: VoteDelivery[] = [];
  /** The messages posted for votes, by vote id (a second post of one vote would be a bug). */
  readonly voteMessages = new Map<string, string[]>();
  /** Set to make deliveries throw (a chat platform that is down). */
  failing = false;
  /** Set to make line deliveries wait for it (a chat platform that is slow to answer). */
  hold: Promise<void> | null = null;

  async deliverLine(d: LineDelivery): Promise<void> {
    if (this.failing) throw new Error('chat is down');
    if (this.hold) await this.hold;
    this.lines.push(d);
  }

  async deliverProgress(d: ProgressDelivery): Promise<void> {
    this.progress.push(d);
  }

  async deliverFailure(d: FailureDelivery): Promise<void> {
    if (this.failing) throw new Error('chat is down');
    this.failures.push(d);
  }

  async deliverVote(d: VoteDelivery): Promise<string> {
    if (this.failing) throw new Error('chat is down');
    this.votes.push(d);
    const posted = this.voteMessages.get(d.vote.id) ?? [];
    if (d.vote.message) return d.vote.message;
    // A message that may be posted already is found again, as an adapter looks in the thread.
    if (d.maybePosted && posted.length > 0) return posted[0];
    const message = `vote-message-${d.vote.id}-${posted.length + 1}`;
    this.voteMessages.set(d.vote.id, [...posted, message]);
    return message;
  }

  /** How many times each job's line was delivered. */
  deliveriesByJob(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.lines) counts.set(d.jobId, (counts.get(d.jobId) ?? 0) + 1);
    return counts;
  }

  /** Waits until the job's line (or failure) has been delivered. */
  async waitFor(jobId: string, timeoutMs = 30_000): Promise<LineDelivery | FailureDelivery> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((d) => d.jobId === jobId) ?? this.failures.find((d) => d.jobId === jobId);
      if (found) return found;
      if (Date.now() > end) throw new Error(`job ${jobId} was not delivered within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
