/**
 * storyloom's core: the commands, platform-free. Adapters hand it a context (who,
 * where) and arguments; it checks limits and permissions, changes stories, queues
 * jobs, and answers with a Reply. Each command is handled by one method, found by
 * name in the command table. Lines, progress and failures that come later go out
 * through the adapters' ChatDelivery.
 */
import { findCommand } from '../../commands/index.ts';
import type { JobClient } from '../jobs/client.ts';
import type { WorkerMonitor } from '../jobs/workers.ts';
import { ChannelSettings } from '../stories/channels.ts';
import { UserError } from '../stories/errors.ts';
import { mayPress } from '../stories/permissions.ts';
import type { Story } from '../stories/schema.ts';
import type { StoryStore } from '../stories/store.ts';
import {
  addHumanLine,
  attachThread,
  branchFrom,
  createStory,
  endStory,
  retryTarget,
  switchTo,
  undo,
  checkOpen,
} from '../stories/story.ts';
import { markdownFile, storySize, styleText } from '../stories/text.ts';
import { treeFile } from '../stories/tree-file.ts';
import { headLine } from '../stories/tree.ts';
import { branchedText, branchesText, exportText, switchedText, writerOf } from './branch-text.ts';
import type { Transport } from '../transport/transport.ts';
import { parseButtonId, storyButtons } from './buttons.ts';
import { COMMAND_HANDLERS, commandNamed, type Commands } from './command-table.ts';
import type { Deliveries } from './deliveries.ts';
import { progressText } from './format.ts';
import type { LimitSettings } from './limits.ts';
import { InProgress } from './in-progress.ts';
import { candidatesCost, Limits } from './limits.ts';
import { checkArgs } from './options.ts';
import { StoryJobs, type StoryJobSettings } from './story-jobs.ts';
import { storyText } from './text.ts';
import type { CommandContext, CommandTarget, Reply, StoryEvent, ThreadMaker } from './types.ts';
import { adminReply, statusReply, type WorkerCommandParts } from './worker-commands.ts';

/** Core's settings. */
export interface CoreSettings {
  /** The longest opening a story may have (called the seed in code and files: a line of kind 'seed'). */
  maxSeedChars: number;
  maxLineChars: number;
  defaultTemperature: number;
  defaultLength: number;
  limits: LimitSettings;
  jobs: StoryJobSettings;
  adminTimeoutMs: number;
  /** How many candidate lines Continue writes where neither the story nor its channel set a number. */
  defaultCandidates: number;
}

/** The platform-free heart of the bot. */
export class Core implements Commands {
  /** Turns stories into jobs and responses into lines; src/app.ts makes it the job client's handler. */
  readonly storyJobs: StoryJobs;
  /** Channels' settings (their default number of candidates); src/app.ts loads them with the stories. */
  readonly channels: ChannelSettings;
  private readonly limits: Limits;
  private readonly listeners = new Set<(event: StoryEvent) => void>();
  /** Commands being answered and job results being applied: what a graceful stop waits for. */
  private readonly work = new InProgress();
  private stopping = false;

  constructor(
    private readonly stories: StoryStore,
    private readonly jobs: JobClient,
    private readonly workers: WorkerMonitor,
    private readonly transport: Transport,
    deliveries: Deliveries,
    private readonly settings: CoreSettings,
  ) {
    this.limits = new Limits(settings.limits);
    this.storyJobs = new StoryJobs(stories, jobs, deliveries, settings.jobs, (e) => this.emit(e), this.work);
    this.channels = new ChannelSettings(transport);
  }

  /**
   * The first step of a graceful stop: from now on a command, a button or a person's line is refused with a
   * message that says to try again shortly (nothing is half done: stories and jobs are kept for the restart).
   */
  stopTaking(): void {
    this.stopping = true;
    // A vote open now closes when the bot is back (its window resumes, or closes then if it has run out).
    this.storyJobs.votes.stop();
  }

  /** Resolves true once the commands being answered and the results being posted are done; false at the bound. */
  settled(timeoutMs: number): Promise<boolean> {
    return this.work.settled(timeoutMs);
  }

  /** Runs a command's work unless the bot is stopping, tracked so that a stop waits for its answer. */
  private accept<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.stopping) {
      const text = 'storyloom is restarting. Try again in a minute: your stories are kept.';
      return Promise.reject(new UserError('stopping', text));
    }
    return this.work.track((async () => work())());
  }

  private get workerParts(): WorkerCommandParts {
    return { jobs: this.jobs, workers: this.workers, transport: this.transport };
  }

  /** The longest opening and line core accepts, in characters. */
  get textLimits(): { opening: number; line: number } {
    return { opening: this.settings.maxSeedChars, line: this.settings.maxLineChars };
  }

  /** Listens to every change of every story (for live views). */
  onStoryEvent(listener: (event: StoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoryEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The story a thread command is about: the one living in the context's thread. */
  storyIdIn(ctx: CommandContext): string {
    const story = ctx.place.thread ? this.stories.findByThread(ctx.place.platform, ctx.place.thread) : undefined;
    if (!story) throw new UserError('not_in_story', 'Use this inside a story’s thread (start one with /story).');
    return story.id;
  }

  private checkLimits(ctx: CommandContext, cost = 1): void {
    const pending = this.jobs.pending();
    const mine = pending.filter((r) => r.user.id === ctx.person.id).length;
    this.limits.check(ctx.person.id, ctx.admin, mine, pending.length, cost);
  }

  /**
   * How many candidate lines a job for the story writes: those asked for this time, else the story's number, else
   * its channel's default, else the bot's (1: a line, no vote). A retry replaces one line, so it writes one.
   */
  candidatesFor(story: Story, asked?: number): number {
    const { platform, channel } = story.place;
    return (
      asked ??
      story.settings.candidates ??
      this.channels.candidates(platform, channel) ??
      this.settings.defaultCandidates
    );
  }

  private async queue(
    ctx: CommandContext,
    storyId: string,
    purpose: 'start' | 'continue' | 'retry',
    replaces: string | null = null,
    candidates = 1,
  ): Promise<Reply> {
    const cost = candidatesCost(candidates);
    this.checkLimits(ctx, cost);
    const { jobId, story } = await this.storyJobs.submit(storyId, purpose, ctx.person, replaces, 1, candidates);
    this.limits.record(ctx.person.id, cost);
    const progress = this.jobs.progress().get(jobId);
    return { text: progress ? progressText(progress) : '⏳ Queued.', ephemeral: false, story, jobId, progress };
  }

  /**
   * `/story opening [temperature] [length]`. The opening's option was called `seed` before, and Discord
   * commands registered then still send that name, so `seed` is read when `opening` is absent.
   */
  async start(ctx: CommandContext, raw: Record<string, unknown>, makeThread?: ThreadMaker): Promise<Reply> {
    const named = raw.opening === undefined && 'seed' in raw ? { ...raw, opening: raw.seed } : raw;
    const args = checkArgs(findCommand('story')!, named);
    const seed = storyText(args.opening, 'opening', this.settings.maxSeedChars);
    const candidates = args.candidates as number | undefined;
    const settings = {
      temperature: (args.temperature as number | undefined) ?? this.settings.defaultTemperature,
      max_chars: (args.length as number | undefined) ?? this.settings.defaultLength,
      // Given with /story, it is the story's own number from then on.
      ...(candidates !== undefined ? { candidates } : {}),
      // `any` is no particular style: the story asks for none.
      ...(args.style && args.style !== 'any' ? { style: args.style as string } : {}),
    };
    let story = createStory(seed, ctx.person, ctx.place, settings);
    const n = this.candidatesFor(story);
    this.checkLimits(ctx, candidatesCost(n));
    story = await this.stories.create(story);
    let made: Awaited<ReturnType<ThreadMaker>> = null;
    try {
      made = makeThread ? await makeThread(story) : null;
    } catch (error) {
      // No thread, no story: nobody could see or continue it.
      await this.stories.remove(story.id);
      throw error;
    }
    this.emit({ kind: 'started', story });
    if (made) {
      story = await this.stories.update(story.id, (s) => {
        const attached = attachThread(s, made.thread, made.message);
        return { story: attached, result: attached };
      });
      this.emit({ kind: 'thread', story });
    }
    return this.queue(ctx, story.id, 'start', null, n);
  }

  /** `/continue [candidates]`, or the Continue button: the next line, or candidates for the channel to vote on. */
  async continue(ctx: CommandContext, storyId: string, candidates?: number): Promise<Reply> {
    return this.queue(ctx, storyId, 'continue', null, this.candidatesFor(this.stories.get(storyId), candidates));
  }

  /** `/vote candidate`, or a vote's button (which names its vote): a ballot, or a moved one. */
  async vote(ctx: CommandContext, storyId: string, candidate: number, voteId?: string): Promise<Reply> {
    return this.storyJobs.votes.ballot(ctx, storyId, voteId ?? null, candidate);
  }

  /** `/pick candidate`: the owner or an admin closes the vote with this candidate as the next line. */
  async pick(ctx: CommandContext, storyId: string, candidate: number): Promise<Reply> {
    const reply = await this.storyJobs.votes.pick(ctx, storyId, candidate);
    return { ...reply, buttons: reply.story ? storyButtons(reply.story) : [] };
  }

  /**
   * `/candidates count [for]`: how many candidate lines Continue writes from now on. In a story's thread it sets
   * the story's (its owner or an admin); with `for: channel`, or outside a story's thread, the channel's default
   * for stories that set none (an admin).
   */
  async candidates(ctx: CommandContext, count: number, scope: 'story' | 'channel' | undefined): Promise<Reply> {
    const inThread = ctx.place.thread ? this.stories.findByThread(ctx.place.platform, ctx.place.thread) : undefined;
    const what = count === 1 ? 'one line and no vote' : `${count} candidate lines for a vote`;
    if (scope === 'channel' || !inThread) {
      if (scope === 'story') this.storyIdIn(ctx);
      if (!ctx.admin) {
        throw new UserError('forbidden', 'Only an admin can set the channel’s number of candidates.');
      }
      await this.channels.setCandidates(ctx.place.platform, ctx.place.channel, count, ctx.person);
      const text = `From now on Continue writes ${what} in this channel’s stories that set no number of their own.`;
      return { text, ephemeral: false };
    }
    const story = await this.stories.update(inThread.id, (s) => {
      checkOpen(s);
      if (!mayPress(s, 'settings', ctx.person, ctx.admin)) {
        const who = s.owner.name || s.owner.id;
        throw new UserError('forbidden', `Only ${who} (who started this story) or an admin can set its candidates.`);
      }
      const changed = { ...s, updated_at: new Date().toISOString(), settings: { ...s.settings, candidates: count } };
      return { story: changed, result: changed };
    });
    return { text: `From now on Continue writes ${what} in this story.`, ephemeral: false, story };
  }

  /** A person's own line as they typed it in a story's thread (a reply there, not a command). */
  addLine(ctx: CommandContext, storyId: string, raw: unknown): Promise<Reply> {
    return this.accept(() => this.add(ctx, storyId, raw));
  }

  /** `/add text`: a person's own line. */
  async add(ctx: CommandContext, storyId: string, raw: unknown): Promise<Reply> {
    const text = storyText(raw, 'line', this.settings.maxLineChars);
    const story = await this.stories.update(storyId, (s) => {
      const after = addHumanLine(s, text, ctx.person);
      return { story: after, result: after };
    });
    const line = headLine(story);
    this.emit({ kind: 'line', story, line });
    return { text: 'Added your line.', ephemeral: false, story, line, buttons: storyButtons(story) };
  }

  private checkVersion(story: Story, version: number | undefined): void {
    if (version !== undefined && version !== story.version) {
      throw new UserError('moved_on', 'This story has moved on since that button; use the buttons on its newest line.');
    }
  }

  /** `/retry`: the model's last line, written again. */
  async retry(ctx: CommandContext, storyId: string, version?: number): Promise<Reply> {
    const story = this.stories.get(storyId);
    this.checkVersion(story, version);
    return this.queue(ctx, storyId, 'retry', retryTarget(story, ctx.person, ctx.admin).id);
  }

  /** `/undo`: removes the last line of the current branch. */
  async undo(ctx: CommandContext, storyId: string, version?: number): Promise<Reply> {
    this.checkVersion(this.stories.get(storyId), version);
    const { story, removed } = await this.stories.update(storyId, (s) => {
      const out = undo(s, ctx.person, ctx.admin);
      return { story: out.story, result: out };
    });
    this.emit({ kind: 'undo', story, line: removed });
    const text = `Removed the last line (by ${writerOf(removed)}).`;
    return { text, ephemeral: false, story, buttons: storyButtons(story) };
  }

  /** `/branch line`: the story goes on from line `n` of its current branch, so new lines grow a new branch. */
  async branch(ctx: CommandContext, storyId: string, n: number): Promise<Reply> {
    const { story, line } = await this.stories.update(storyId, (s) => {
      const out = branchFrom(s, n, ctx.person, ctx.admin);
      return { story: out.story, result: out };
    });
    this.emit({ kind: 'branch', story, line });
    return { text: branchedText(ctx.person, n, line), ephemeral: false, story, buttons: storyButtons(story) };
  }

  /** `/branches`: the story's branches, where each forks from the current one, and which is current. */
  branches(_ctx: CommandContext, storyId: string): Reply {
    const story = this.stories.get(storyId);
    return { text: branchesText(story), ephemeral: true, story };
  }

  /** `/switch branch`: the story goes on from the last line of branch `n` (numbered as /branches lists them). */
  async switch(ctx: CommandContext, storyId: string, n: number): Promise<Reply> {
    const { story, branch } = await this.stories.update(storyId, (s) => {
      const out = switchTo(s, n, ctx.person, ctx.admin);
      return { story: out.story, result: out };
    });
    this.emit({ kind: 'switch', story, line: branch.last });
    return { text: switchedText(ctx.person, n, branch), ephemeral: false, story, buttons: storyButtons(story) };
  }

  /** `/end`: closes the story, withdrawing a job in flight. */
  async end(ctx: CommandContext, storyId: string): Promise<Reply> {
    // Whether this person may end it, before its vote (if any) closes for the end.
    endStory(this.stories.get(storyId), ctx.person, ctx.admin);
    await this.storyJobs.votes.closeForEnd(storyId, ctx);
    const pending = this.stories.get(storyId).pending;
    const story = await this.stories.update(storyId, (s) => {
      const ended = endStory(s, ctx.person, ctx.admin);
      return { story: ended, result: ended };
    });
    if (pending) await this.jobs.cancel(pending.job_id);
    this.emit({ kind: 'ended', story });
    // The thread stays open to /export (Slack words it as a mention); nothing else is taken there.
    const text = `The end. ${storySize(story)}. Use /export in this thread for the whole story.`;
    return { text, ephemeral: false, story, buttons: [] };
  }

  /** `/export`: the current branch as Markdown with attribution, and the whole tree as JSON. */
  async export(_ctx: CommandContext, storyId: string): Promise<Reply> {
    const story = this.stories.get(storyId);
    return {
      text: exportText(story),
      ephemeral: false,
      story,
      file: markdownFile(story),
      moreFiles: [treeFile(story)],
    };
  }

  /**
   * `/status`: worker health, the queue, and the asker's jobs; for admins, also whether the mailbox is filling up;
   * in a story's thread, its style.
   */
  status(ctx: CommandContext): Reply {
    const reply = statusReply(ctx, this.workerParts);
    // In a story's thread, also the story's style and whether the worker writes in it.
    const story = ctx.place.thread ? this.stories.findByThread(ctx.place.platform, ctx.place.thread) : undefined;
    return story ? { ...reply, text: `${reply.text}\n${styleText(story)}` } : reply;
  }

  /** `/admin action`: for admins only; confirmed by the worker's heartbeat. */
  async admin(ctx: CommandContext, raw: Record<string, unknown>): Promise<Reply> {
    return adminReply(ctx, raw, this.workerParts, this.settings.adminTimeoutMs);
  }

  /** A button press, from any platform: the thread command its action names, on its story, at its version. */
  async press(ctx: CommandContext, customId: string): Promise<Reply> {
    const press = parseButtonId(customId);
    if (press.action === 'vote') {
      return this.accept(() => this.vote(ctx, press.storyId, press.choice, press.voteId));
    }
    const { action, storyId, version } = press;
    return this.accept(() => COMMAND_HANDLERS[action](this, ctx, {}, { storyId, version }));
  }

  /**
   * Runs a command by name, from the command table. A thread command acts on `target.storyId`, else on the
   * story in the context's thread; `/story` makes its thread with `target.makeThread`.
   */
  async run(
    ctx: CommandContext,
    name: string,
    raw: Record<string, unknown>,
    target: CommandTarget = {},
  ): Promise<Reply> {
    const def = commandNamed(name);
    const on = def.scope === 'thread' ? { ...target, storyId: target.storyId ?? this.storyIdIn(ctx) } : target;
    return this.accept(() => COMMAND_HANDLERS[def.name](this, ctx, raw, on));
  }
}
