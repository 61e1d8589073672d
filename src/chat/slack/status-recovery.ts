/**
 * Role: the status messages of jobs from before a restart, taken over once (on
 * Discord, status-recovery.ts too). On Slack: status messages an earlier run of
 * the bot left in story threads (it restarted or crashed while jobs waited). The
 * first time this run delivers anything for a story that has a job from before it
 * started (waiting, being delivered, or with its line not yet marked posted), it
 * reads the story's thread once, from a little before the oldest such job, for
 * messages with status metadata. Each job still wanted keeps its newest status
 * message, which is edited on from then on and deleted when the line arrives;
 * every other one goes (its job is over, or it is a second one). A read that fails
 * is logged and delivery goes on as before (a fresh status message is posted; the
 * old one stays); one that is slow holds the story's deliveries up for at most a
 * few seconds.
 */
import type { Story } from '../../core/types.ts';
import type { Logger } from '../../log.ts';
import { OnceEach, jobMadeAt } from '../earlier-run.ts';
import type { BotPosts, ThreadScan } from './bot-posts.ts';
import { placeOf, type SlackPoster } from './poster.ts';
import type { StatusMessages } from './status-messages.ts';

/** How long a delivery waits for the thread read. */
const WAIT_MS = 10_000;

/**
 * The jobs a story's status messages may belong to: the one being delivered, the one waiting, and those of lines
 * not marked posted.
 */
function wantedJobs(story: Story, jobId: string): Set<string> {
  const undelivered = story.lines.flatMap((line) => (!line.delivered && line.job_id ? [line.job_id] : []));
  return new Set([jobId, ...(story.pending ? [story.pending.job_id] : []), ...undelivered]);
}

/** Takes over or removes the status messages of an earlier run, once per story. */
export class StatusRecovery {
  private readonly looks: OnceEach<ThreadScan>;

  constructor(
    private readonly posts: BotPosts,
    private readonly status: StatusMessages,
    private readonly poster: SlackPoster,
    private readonly log: Logger,
    private readonly startedAt = Date.now(),
    waitMs = WAIT_MS,
  ) {
    this.looks = new OnceEach(waitMs, (storyId) => {
      log.info(
        { story_id: storyId },
        `storyloom slack: still reading the thread of story ${storyId} for status messages from before the ` +
          'restart; delivering meanwhile',
      );
    });
  }

  /**
   * Resolves once the story's earlier status messages are sorted out (at once
   * when there are none to look for); never rejects. When this call read the
   * thread, it resolves with what the read found (the lines in it, too: a
   * delivery need not read it again), otherwise with undefined.
   */
  ready(story: Story, jobId: string): Promise<ThreadScan | undefined> {
    const earlier = [...wantedJobs(story, jobId)].some((job) => jobMadeAt(job) < this.startedAt);
    if (!this.looks.has(story.id) && !earlier) return Promise.resolve(undefined);
    return this.looks.wait(story.id, () => this.recover(story, jobId));
  }

  private async recover(story: Story, jobId: string): Promise<ThreadScan | undefined> {
    const wanted = wantedJobs(story, jobId);
    const sinceMs = Math.min(...[...wanted].map(jobMadeAt));
    let scan: ThreadScan;
    try {
      scan = await this.posts.scan(placeOf(story), sinceMs);
    } catch (error) {
      const why = (error as Error).message;
      this.log.warn(
        { story_id: story.id, error: why },
        `storyloom slack: could not read the thread of story ${story.id} for status messages from before ` +
          `the restart: ${why}`,
      );
      return undefined;
    }
    // Newest first: a job keeps its newest status message, and older ones of the same job go.
    for (const old of scan.statuses.filter((s) => s.storyId === story.id).reverse()) {
      if (await this.status.claim(old.jobId, story.id, old.ref, wanted.has(old.jobId))) continue;
      await this.poster.delete(old.ref).catch((error: Error) => {
        const what = `an old status message of job ${old.jobId}`;
        this.log.warn({ job_id: old.jobId }, `storyloom slack: ${what} was not deleted: ${error.message}`);
      });
    }
    return scan;
  }
}
