/**
 * Jobs for stories: a story's prompt becomes a request; a response becomes a line
 * (or a regenerated job when the story changed meanwhile, once), and is delivered
 * to the story's chat. The story records each line's job id, so a response is
 * applied once, even across restarts.
 */
import { randomInt } from 'node:crypto';
import { MIN_CHARS } from '../../commands/story.ts';
import type { JobClient, JobHandler } from '../jobs/client.ts';
import {
  candidatesOf,
  type Person,
  type Purpose,
  type Request,
  type Response,
  type Sampling,
} from '../jobs/protocol.ts';
import type { Line, Story, TreeLine } from '../stories/schema.ts';
import type { StoryStore } from '../stories/store.ts';
import { applyResult, beginJob, clearJob, isStale, markDelivered, newJobId } from '../stories/story.ts';
import { promptFor, storyText } from '../stories/text.ts';
import { currentBranch } from '../stories/tree.ts';
import { storyButtons } from './buttons.ts';
import type { Deliveries } from './deliveries.ts';
import { failureText } from './format.ts';
import { InProgress } from './in-progress.ts';
import { StoryVotes, type VoteSettings } from './story-votes.ts';
import type { StoryEvent } from './types.ts';
import { observeCommandToLine } from '../metrics.ts';
import type { Logger } from '../log.ts';

/** When the person asked for the story's job in flight: the story's start for its opening line, else the job. */
function askedAtOf(story: Story): number {
  const pending = story.pending!;
  return Date.parse(pending.purpose === 'start' ? story.created_at : pending.requested_at);
}

/** How jobs are made. */
export interface StoryJobSettings {
  contextChars: number;
  deadlineS: number;
  topP: number;
  model: string | null;
  votes: VoteSettings;
}

/** Submits stories' jobs and handles their responses. */
export class StoryJobs implements JobHandler {
  /** The stories' votes: a candidates job's response opens one. */
  readonly votes: StoryVotes;
  private readonly delivering = new Set<string>();
  /** When the command behind a regenerated job was given (the job's own time is later); for the metrics. */
  private readonly askedAt = new Map<string, number>();

  constructor(
    private readonly stories: StoryStore,
    private readonly jobs: JobClient,
    private readonly deliveries: Deliveries,
    private readonly settings: StoryJobSettings,
    private readonly emit: (event: StoryEvent) => void,
    private readonly work: InProgress = new InProgress(),
    log?: Logger,
  ) {
    const deliverLine = (story: Story, line: TreeLine) => this.deliver(story, line, false);
    this.votes = new StoryVotes(stories, deliveries, settings.votes, emit, work, deliverLine, log);
  }

  private sampling(story: Story): Sampling {
    const { temperature, max_chars } = story.settings;
    return {
      temperature,
      top_k: 0,
      top_p: this.settings.topP,
      max_chars,
      min_chars: Math.min(MIN_CHARS, max_chars),
      stop: 'sentence',
      seed: randomInt(0, 2 ** 32),
    };
  }

  private request(
    story: Story,
    jobId: string,
    purpose: Purpose,
    attempt: number,
    by: Person,
    replacesLine: string | null,
  ): { request: Request; contextStart: number } {
    // The prompt is the current branch, up to the line a retry replaces.
    const branch = currentBranch(story);
    const upTo = replacesLine ? branch.findIndex((l) => l.id === replacesLine) : -1;
    const lines = upTo >= 0 ? branch.slice(0, upTo) : branch;
    const { prompt, contextStart } = promptFor(story, this.settings.contextChars, lines);
    const now = new Date();
    const request: Request = {
      v: 1,
      type: 'request',
      job_id: jobId,
      story_id: story.id,
      story_version: story.version,
      purpose,
      attempt,
      created_at: now.toISOString(),
      deadline: new Date(now.getTime() + this.settings.deadlineS * 1000).toISOString(),
      prompt,
      sampling: this.sampling(story),
      model: this.settings.model,
      user: { id: by.id, name: by.name },
      reply: { platform: story.place.platform, channel: story.place.channel, thread: story.place.thread },
      // Revision 2: asked for only when more than one, so a one-line request is what it was before votes.
      ...(story.pending?.candidates ? { candidates: story.pending.candidates } : {}),
      // Revision 3: only a story with a style asks for one.
      ...(story.settings.style ? { style: story.settings.style } : {}),
    };
    return { request, contextStart };
  }

  /**
   * Queues a job for the story's next line (or for the line it replaces), or for `candidates` lines to put to a
   * vote.
   */
  async submit(
    storyId: string,
    purpose: Purpose,
    by: Person,
    replacesLine: string | null = null,
    attempt = 1,
    candidates = 1,
  ): Promise<{ jobId: string; story: Story }> {
    let jobId = '';
    const { story, request } = await this.stories
      .update(storyId, (before) => {
        // Why here: the id and the place in line are made at once, in the order jobs are asked for (JobClient.track).
        jobId = newJobId();
        const begun = beginJob(before, jobId, purpose, by, replacesLine, attempt, candidates);
        const { request, contextStart } = this.request(begun, jobId, purpose, attempt, by, replacesLine);
        const story = { ...begun, context_start: contextStart };
        this.jobs.track(request);
        return { story, result: { story, request } };
      })
      .catch((error: unknown) => {
        if (jobId) this.jobs.untrack(jobId);
        throw error;
      });
    try {
      await this.jobs.submit(request);
    } catch (error) {
      await this.stories.update(storyId, (s) => ({ story: clearJob(s, jobId), result: undefined }));
      throw error;
    }
    this.emit({ kind: 'pending', story });
    return { jobId, story };
  }

  /** A job's response: applied and posted, tracked so that a stop waits for it. */
  response(request: Request, response: Response): Promise<void> {
    return this.work.track(this.apply(request, response));
  }

  /** A job's deadline passed: its story's chat is told, tracked so that a stop waits for it. */
  expired(request: Request): Promise<void> {
    return this.work.track(this.expire(request));
  }

  private async apply(request: Request, response: Response): Promise<void> {
    let story: Story;
    try {
      story = this.stories.get(request.story_id);
    } catch {
      return;
    }
    const applied = story.lines.find((l) => l.job_id === request.job_id);
    // Applied before but not marked delivered: an earlier attempt may have posted it.
    if (applied) return applied.delivered ? undefined : this.deliver(story, applied, true);
    // Its candidates are being voted on already: their message may still have to be shown.
    if (story.vote?.job_id === request.job_id) return this.votes.again(story.id);
    if (story.pending?.job_id !== request.job_id) return;
    const askedAt = this.askedAt.get(request.job_id) ?? askedAtOf(story);
    this.askedAt.delete(request.job_id);
    // Every candidate that has words (a one-line request, or an older worker's answer, is one candidate).
    const written = response.ok ? candidatesOf(request, response.result).filter((c) => c.text.trim()) : [];
    if (!response.ok || written.length === 0) {
      const why = response.ok
        ? failureText('model_error', 'it wrote nothing')
        : failureText(response.error.code, response.error.message);
      return this.fail(story.id, request.job_id, why);
    }
    if (isStale(story) && story.pending.attempt < 2) {
      await this.stories.update(story.id, (s) => ({ story: clearJob(s, request.job_id), result: undefined }));
      const { requested_by: by, replaces_line: replaces, attempt, candidates } = story.pending;
      const { jobId } = await this.submit(story.id, 'regenerate', by, replaces, attempt + 1, candidates);
      // The person's wait for the line began with their command, before the job this one replaces.
      this.askedAt.set(jobId, askedAt);
      return;
    }
    if (written.length > 1 && !story.pending.replaces_line) {
      await this.votes.open(story.id, request, written, response.result);
      observeCommandToLine(story.place.platform, (Date.now() - askedAt) / 1000);
      return;
    }
    const [only] = written;
    const sampling = { ...request.sampling, seed: only.seed };
    const { story: after, line } = await this.stories.update(story.id, (s) => {
      const style = request.style ? (response.result.style ?? null) : undefined;
      const out = applyResult(s, request.job_id, only.text.trim(), sampling, response.result.model, style);
      return { story: out.story, result: out };
    });
    this.emit({ kind: 'line', story: after, line });
    await this.deliver(after, line, false);
    observeCommandToLine(after.place.platform, (Date.now() - askedAt) / 1000);
  }

  private async expire(request: Request): Promise<void> {
    const story = this.stories.all().find((s) => s.id === request.story_id);
    this.askedAt.delete(request.job_id);
    if (story?.pending?.job_id !== request.job_id) return;
    await this.fail(story.id, request.job_id, failureText('deadline', ''));
  }

  /**
   * Tells the story's chat that its job failed, then forgets the job. In that order: a
   * failed delivery leaves the job pending, so the job client's retry finds it again
   * and the message is not lost.
   */
  private async fail(storyId: string, jobId: string, text: string): Promise<void> {
    const story = this.stories.get(storyId);
    const requestedBy = story.pending?.requested_by ?? story.owner;
    const failure = { story: clearJob(story, jobId), jobId, requestedBy, text };
    await this.deliveries.for(story.place.platform).deliverFailure(failure);
    const after = await this.stories.update(storyId, (s) => {
      const cleared = clearJob(s, jobId);
      return { story: cleared, result: cleared };
    });
    this.emit({ kind: 'pending', story: after });
  }

  /**
   * Submits again the jobs that stories wait for but the mailbox never got (the bot
   * stopped between saving a story and writing its request), so no story stays busy
   * for good. `tracked` are the job ids the job client knows.
   */
  async resubmitLost(tracked: Set<string>): Promise<string[]> {
    const resubmitted: string[] = [];
    for (const story of this.stories.all()) {
      const pending = story.pending;
      if (!pending || tracked.has(pending.job_id) || story.status !== 'open') continue;
      await this.stories.update(story.id, (s) => ({ story: clearJob(s, pending.job_id), result: undefined }));
      const { purpose, requested_by: by, replaces_line: replaces, attempt, candidates } = pending;
      const { jobId } = await this.submit(story.id, purpose, by, replaces, attempt, candidates);
      resubmitted.push(jobId);
    }
    return resubmitted;
  }

  /**
   * Posts a line, then marks it delivered. The bot can stop between the two, so a
   * line not marked may be in the thread already: `maybePosted` tells the adapter
   * to make sure it posts it once.
   */
  private async deliver(story: Story, line: Line, maybePosted: boolean): Promise<void> {
    // The startup sweep and a late response can reach the same line at once; post it once.
    if (this.delivering.has(line.id)) return;
    this.delivering.add(line.id);
    try {
      const buttons = storyButtons(story, line.id);
      const delivery = { story, line, jobId: line.job_id!, buttons, maybePosted };
      await this.deliveries.for(story.place.platform).deliverLine(delivery);
      await this.stories.update(story.id, (s) => ({ story: markDelivered(s, line.id), result: undefined }));
    } finally {
      this.delivering.delete(line.id);
    }
  }

  /** Posts lines that were applied but not marked delivered (the bot stopped in between; it may have posted them). */
  async deliverUndelivered(): Promise<void> {
    for (const story of this.stories.all()) {
      for (const line of story.lines.filter((l) => !l.delivered)) {
        await this.deliver(story, line, true).catch(() => undefined);
      }
    }
  }

  /** The whole text of a story's current branch, for status pages and tests. */
  static text(story: Story): string {
    return storyText(currentBranch(story));
  }
}
