/**
 * Votes on stories' next lines: a candidates job's response opens one, people's
 * presses (or /vote) cast ballots, and it closes once, at the first of its window,
 * every active participant having voted, the owner's or an admin's /pick, or the
 * story's end (stories/vote.ts has the rules and the tie rule). The vote lives in
 * the story's file, so it survives a restart: its window resumes, one that ran out
 * meanwhile closes when the bot returns, and its message is taken over by id.
 *
 * Its chat message is posted once and then edited, one edit at a time per story
 * with the newest counts (the adapter paces edits to its platform's limits); the
 * closing edit is recorded (`shown`), so a restart makes it if it was missed. The
 * winner is then posted as the story's next line, like any line.
 */
import type { Candidate, Request, Result } from '../jobs/protocol.ts';
import { reasonOf } from '../log-text.ts';
import { defaultLogger, type Logger } from '../log.ts';
import { UserError } from '../stories/errors.ts';
import type { Story, TreeLine, Vote } from '../stories/schema.ts';
import type { StoryStore } from '../stories/store.ts';
import {
  beginVote,
  castBallot,
  checkPick,
  closeVote,
  everyoneVoted,
  markVoteShown,
  openVote,
  setVoteMessage,
  type VoteClose,
} from '../stories/vote.ts';
import type { Deliveries } from './deliveries.ts';
import type { InProgress } from './in-progress.ts';
import type { CommandContext, Reply, StoryEvent } from './types.ts';
import { voteButtons, voteView } from './vote-text.ts';

/** How votes run. */
export interface VoteSettings {
  /** How long a vote stays open at most. */
  windowMs: number;
}

/** The longest a timer waits at once (Node's limit is about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Opens, counts, closes and shows stories' votes. */
export class StoryVotes {
  /** By story id: the timer that closes its open vote. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** By story id: the show in progress, and whether another is wanted after it (newer counts). */
  private readonly showing = new Map<string, { running: Promise<void>; again: boolean }>();
  /** Votes whose message may have been posted without its id being saved. */
  private readonly uncertain = new Set<string>();
  private stopped = false;

  constructor(
    private readonly stories: StoryStore,
    private readonly deliveries: Deliveries,
    private readonly settings: VoteSettings,
    private readonly emit: (event: StoryEvent) => void,
    private readonly work: InProgress,
    /** Posts a line that joined a story (the winner), once, and marks it delivered. */
    private readonly deliverLine: (story: Story, line: TreeLine) => Promise<void>,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /** A candidates job's response: the story's job is done, and the channel votes on its candidates. */
  async open(storyId: string, request: Request, candidates: Candidate[], result: Result): Promise<void> {
    const style = request.style ? (result.style ?? null) : undefined;
    const opening = { jobId: request.job_id, candidates, sampling: request.sampling, model: result.model, style };
    const { story, vote } = await this.stories.update(storyId, (s) => {
      const out = beginVote(s, { ...opening, windowMs: this.settings.windowMs, now: Date.now() });
      return { story: out.story, result: out };
    });
    this.emit({ kind: 'vote', story });
    this.schedule(story.id, vote);
    await this.show(story.id);
  }

  /** Shows the vote again when a response to its job comes twice (the message may not be posted yet). */
  async again(storyId: string): Promise<void> {
    await this.show(storyId);
  }

  /**
   * A person votes for candidate `choice` of the story's open vote (`voteId` from a button: that vote only).
   * A second press of the same candidate changes nothing; another moves the vote. When every active participant
   * has voted, the vote closes.
   */
  async ballot(ctx: CommandContext, storyId: string, voteId: string | null, choice: number): Promise<Reply> {
    const before = this.stories.get(storyId);
    if (voteId && ctx.place.thread && before.place.thread && ctx.place.thread !== before.place.thread) {
      const text = 'That button belongs to another story’s vote: vote in that story’s own thread.';
      throw new UserError('other_story', text);
    }
    const { story, vote, outcome } = await this.stories.update(storyId, (s) => {
      const out = castBallot(s, voteId, choice, ctx.person, Date.now());
      return { story: out.story, result: out };
    });
    if (outcome.kind === 'same') {
      const text = `You voted for candidate ${choice} already. Press another to move your vote.`;
      return { text, ephemeral: true, story };
    }
    this.emit({ kind: 'vote', story });
    const said =
      outcome.kind === 'moved'
        ? `You moved your vote from candidate ${outcome.from} to candidate ${choice}.`
        : `You voted for candidate ${choice}.`;
    if (everyoneVoted(vote)) {
      const closed = await this.close(storyId, vote.id, { how: 'everyone', by: null, now: Date.now() });
      const after = closed?.winner?.vote
        ? ` Everyone taking part has voted: candidate ${closed.winner.vote.n} won.`
        : '';
      return { text: `${said}${after}`, ephemeral: true, story: closed?.story ?? story };
    }
    this.showSoon(storyId);
    return { text: said, ephemeral: true, story };
  }

  /** The story's owner or an admin closes its vote now, with candidate `choice` as the next line. */
  async pick(ctx: CommandContext, storyId: string, choice: number): Promise<Reply> {
    const vote = checkPick(this.stories.get(storyId), ctx.person, ctx.admin);
    const closed = await this.close(storyId, vote.id, { how: 'pick', by: ctx.person, choice, now: Date.now() });
    if (!closed) throw new UserError('vote_closed', 'That vote has just closed.');
    const who = ctx.person.name || ctx.person.id;
    const text = `${who} picked candidate ${choice}: it is the story’s next line.`;
    return { text, ephemeral: false, story: closed.story };
  }

  /** The story is ending: its open vote closes without a winner, its candidates kept as branches. */
  async closeForEnd(storyId: string, ctx: CommandContext): Promise<void> {
    const vote = openVote(this.stories.get(storyId));
    if (vote) await this.close(storyId, vote.id, { how: 'ended', by: ctx.person, now: Date.now() });
  }

  /**
   * After a restart: an open vote's window resumes (one that ran out while the bot was down closes now, once);
   * a vote whose message was never saved is posted (or found, if it was posted); a closed vote the chat does not
   * show as closed is shown.
   */
  async recover(): Promise<void> {
    for (const story of this.stories.all()) {
      const vote = story.vote;
      if (!vote || (vote.status === 'closed' && vote.shown)) continue;
      if (vote.message === null) this.uncertain.add(vote.id);
      if (vote.status === 'open' && Date.parse(vote.closes_at) <= Date.now()) {
        await this.close(story.id, vote.id, { how: 'window', by: null, now: Date.now() }).catch((error: unknown) => {
          this.log.warn(
            { story_id: story.id, error: reasonOf(error) },
            `storyloom: a vote did not close: ${reasonOf(error)}`,
          );
        });
        continue;
      }
      if (vote.status === 'open') this.schedule(story.id, vote);
      if (vote.status === 'closed' || vote.message === null) {
        await this.show(story.id).catch(() => undefined);
      }
    }
  }

  /** Stops every vote's timer (a graceful stop): an open vote closes when the bot is back. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Sets the timer that closes the vote at the end of its window (at once when that has passed). */
  private schedule(storyId: string, vote: Vote): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(storyId));
    const wait = Date.parse(vote.closes_at) - Date.now();
    const timer = setTimeout(
      () => {
        this.timers.delete(storyId);
        // A wait past Node's longest timer is taken in steps; and a timer may fire a millisecond early (Node's
        // timers keep their own clock): the vote never closes before its time.
        if (Date.parse(vote.closes_at) > Date.now()) return this.schedule(storyId, vote);
        const closing = this.close(storyId, vote.id, { how: 'window', by: null, now: Date.now() });
        void this.work.track(closing).catch((error: unknown) => {
          this.log.warn(
            { story_id: storyId, error: reasonOf(error) },
            `storyloom: a vote did not close: ${reasonOf(error)}`,
          );
        });
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
    this.timers.set(storyId, timer);
  }

  /**
   * Closes the vote once: the candidates join the story (the winner as its next line), its message shows how it
   * closed, and the winner is posted. Null when the vote had closed already.
   */
  private async close(
    storyId: string,
    voteId: string,
    how: VoteClose,
  ): Promise<{ story: Story; winner: TreeLine | null } | null> {
    const out = await this.stories.update(storyId, (s) => {
      const closed = closeVote(s, voteId, how);
      return { story: closed.story, result: closed };
    });
    if (!out.closed) return null;
    clearTimeout(this.timers.get(storyId));
    this.timers.delete(storyId);
    this.emit({ kind: 'vote', story: out.story });
    if (out.winner) this.emit({ kind: 'line', story: out.story, line: out.winner });
    await this.show(storyId).catch(() => undefined);
    if (out.winner) await this.deliverLine(this.stories.get(storyId), out.winner);
    return { story: this.stories.get(storyId), winner: out.winner };
  }

  /** Shows the newest counts without holding up the press that changed them. */
  private showSoon(storyId: string): void {
    void this.work.track(this.show(storyId).catch(() => undefined));
  }

  /** Shows the story's vote as it is now, one show at a time per story; a show asked for meanwhile runs after. */
  private show(storyId: string): Promise<void> {
    const busy = this.showing.get(storyId);
    if (busy) {
      busy.again = true;
      return busy.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      try {
        do {
          entry.again = false;
          await this.showOnce(storyId);
        } while (entry.again);
      } finally {
        this.showing.delete(storyId);
      }
    })();
    this.showing.set(storyId, entry);
    return entry.running;
  }

  private async showOnce(storyId: string): Promise<void> {
    let story: Story;
    try {
      story = this.stories.get(storyId);
    } catch {
      return;
    }
    const vote = story.vote;
    if (!vote || (vote.status === 'closed' && vote.shown)) return;
    const maybePosted = vote.message === null && this.uncertain.has(vote.id);
    const delivery = { story, vote, view: voteView(story, vote), buttons: voteButtons(story, vote), maybePosted };
    let message: string;
    try {
      message = await this.deliveries.for(story.place.platform).deliverVote(delivery);
    } catch (error) {
      // It may have been posted all the same: look before posting it again.
      if (vote.message === null) this.uncertain.add(vote.id);
      const why = reasonOf(error);
      this.log.warn({ story_id: storyId, error: why }, `storyloom: the vote of story ${storyId} was not shown: ${why}`);
      throw error;
    }
    this.uncertain.delete(vote.id);
    await this.stories.update(storyId, (s) => {
      const withMessage = setVoteMessage(s, vote.id, message);
      const after = vote.status === 'closed' ? markVoteShown(withMessage, vote.id) : withMessage;
      return { story: after, result: undefined };
    });
  }
}
