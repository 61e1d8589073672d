/**
 * Role: the status messages of jobs from before a restart, taken over once (on
 * Slack, status-recovery.ts too). On Discord these are interaction replies, and
 * interaction tokens live in memory only, so a restarted bot holds none; but a
 * public interaction reply is a message of the bot user's, which the bot token can
 * edit (bot-edits.ts), and the replies that wait for a line are public. So the
 * first time this run delivers anything for a job an earlier run made, it looks
 * for that job's reply once: among the story's opening (the reply to `/story`) and
 * the thread's newest messages, the bot's reply to an interaction of the person
 * who asked for the job, made shortly before the job, whose status line still
 * shows progress. The newest such message is then followed like this run's
 * replies: progress edits it, and the outcome finishes it. A look that fails is
 * logged, and the delivery goes on as before (the outcome goes to the thread; the
 * old reply stays as it was).
 */
import type { Client, Message } from 'discord.js';
import { isProgressText } from '../../core/format.ts';
import type { Story } from '../../core/types.ts';
import type { Logger } from '../../log.ts';
import { OnceEach, jobMadeAt } from '../earlier-run.ts';
import { editAsBot, type MessageRef } from './bot-edits.ts';
import { HISTORY_LIMIT } from './bot-posts.ts';
import type { StatusMessages, StatusTarget } from './status-messages.ts';
import { frameOf, statusLineOf } from './render.ts';

/** How long a delivery waits for the look. */
const WAIT_MS = 10_000;
/** A job's reply is made (deferred) before the job: at most this long before… */
const REPLY_BEFORE_JOB_MS = 5 * 60_000;
/** …and not after, give or take the difference between Discord's clock and ours. */
const CLOCK_SKEW_MS = 5_000;

/** A reply found again: the bot token edits it. */
class FoundReply implements StatusTarget {
  constructor(
    private readonly client: Client,
    private readonly message: MessageRef,
  ) {}

  async editIfLive(content: string): Promise<boolean> {
    await editAsBot(this.client, this.message, content);
    return true;
  }
}

/** Finds the replies of an earlier run's jobs, once per job, and hands them to the status messages. */
export class StatusRecovery {
  private readonly looks: OnceEach<Message[]>;

  constructor(
    private readonly client: Client,
    private readonly status: StatusMessages,
    private readonly log: Logger,
    private readonly startedAt = Date.now(),
    waitMs = WAIT_MS,
  ) {
    this.looks = new OnceEach(waitMs, (jobId) => {
      log.info(
        { job_id: jobId },
        `storyloom discord: still looking for the reply of job ${jobId} from before the restart; ` +
          'delivering meanwhile',
      );
    });
  }

  /**
   * Resolves once the job's reply was looked for (at once for a job of this run,
   * or one with a reply); never rejects. When this call read the thread, it
   * resolves with the thread's newest messages (a delivery need not read them
   * again), otherwise with undefined.
   */
  ready(story: Story, jobId: string, requesterId: string): Promise<Message[] | undefined> {
    if (this.status.has(jobId) || jobMadeAt(jobId) >= this.startedAt) return Promise.resolve(undefined);
    return this.looks.wait(jobId, () => this.find(story, jobId, requesterId));
  }

  private async find(story: Story, jobId: string, requesterId: string): Promise<Message[] | undefined> {
    try {
      const made = jobMadeAt(jobId);
      const { opening, recent } = await this.candidates(story);
      const replies = [...opening, ...recent].filter(
        (m) =>
          m.author.id === this.client.user?.id &&
          m.interactionMetadata?.user.id === requesterId &&
          isProgressText(statusLineOf(m.content)) &&
          m.createdTimestamp >= made - REPLY_BEFORE_JOB_MS &&
          m.createdTimestamp <= made + CLOCK_SKEW_MS,
      );
      const reply = replies.sort((a, b) => b.createdTimestamp - a.createdTimestamp)[0];
      if (reply) {
        const found = new FoundReply(this.client, { channelId: reply.channelId, id: reply.id });
        this.status.adopt(jobId, found, frameOf(reply.content));
      }
      return recent;
    } catch (error) {
      const why = (error as Error).message;
      const what = `the reply of job ${jobId} from before the restart`;
      this.log.warn({ job_id: jobId, error: why }, `storyloom discord: could not look for ${what}: ${why}`);
      return undefined;
    }
  }

  /** The story's opening (in its channel), and the newest messages of its thread (or its channel, when it has none). */
  private async candidates(story: Story): Promise<{ opening: Message[]; recent: Message[] }> {
    const { channel, thread, message } = story.place;
    const parent = await this.client.channels.fetch(channel);
    // A deleted opening (its thread stays) is no reason to give up on the thread.
    const opening =
      message && parent?.isTextBased()
        ? await parent.messages.fetch({ message, cache: false }).catch(() => null)
        : null;
    const where = thread && thread !== channel ? await this.client.channels.fetch(thread) : parent;
    const recent = where?.isTextBased()
      ? [...(await where.messages.fetch({ limit: HISTORY_LIMIT, cache: false })).values()]
      : [];
    return { opening: opening ? [opening] : [], recent };
  }
}
