/**
 * The words core and the chat adapters share: who acts, where, what core
 * replies, and what core asks adapters to deliver later. The story and job shapes
 * adapters render are re-exported here, so chat/ sees the bot through core alone.
 */
import type { Progress } from '../jobs/progress.ts';
import type { Person, Platform } from '../jobs/protocol.ts';
import type { StoryAction } from '../stories/permissions.ts';
import type { Line, Story, Vote } from '../stories/schema.ts';
import type { ExportFile } from '../stories/text.ts';

export type { Progress } from '../jobs/progress.ts';
export type { Person, Platform } from '../jobs/protocol.ts';
export type { Line, Story, Vote } from '../stories/schema.ts';
export type { ExportFile } from '../stories/text.ts';

/** Where a command was run: a channel, and the thread inside it, if any. */
export interface Place {
  platform: Platform;
  channel: string;
  thread: string | null;
}

/** Who ran a command, and where. */
export interface CommandContext {
  /** Who ran it: the same Person (an id and a name) that requests and stories record. */
  person: Person;
  /** Whether that person is one of storyloom's admins (the platform's admin allowlist). */
  admin: boolean;
  place: Place;
}

/** Makes the thread a new story lives in; adapters pass one with `/story`. */
export type ThreadMaker = (story: Story) => Promise<{ thread: string; message: string | null } | null>;

/** What a command acts on, besides its context: a story, the version its button showed, the thread maker. */
export interface CommandTarget {
  /** The story a thread command is about; without it, the story living in the context's thread. */
  storyId?: string;
  /** The story's version a button was made for (a stale one is refused). */
  version?: number;
  /** How `/story` makes the new story's thread (without one, the story has none). */
  makeThread?: ThreadMaker;
}

/** The buttons under a story line (one per story action), and a vote's (one per candidate). */
export type ButtonAction = StoryAction | 'vote';

/** A button, with the id that comes back when it is pressed. */
export interface Button {
  action: ButtonAction;
  label: string;
  customId: string;
  style: 'primary' | 'secondary' | 'danger';
}

/** What core answers to a command, for the adapter to render. */
export interface Reply {
  text: string;
  ephemeral: boolean;
  story?: Story;
  /** A line that joined the story with this command (a human line). */
  line?: Line;
  /** A job queued by this command: its line will be delivered later. */
  jobId?: string;
  progress?: Progress;
  buttons?: Button[];
  /** A file to send with the reply (an export's Markdown). */
  file?: ExportFile;
  /** Files to send after `file`, in order (an export's tree, as JSON). */
  moreFiles?: ExportFile[];
}

/** A generated line, ready to post in the story's thread. */
export interface LineDelivery {
  story: Story;
  line: Line;
  jobId: string;
  buttons: Button[];
  /**
   * True when the line may be in the thread already: the bot may have posted it and
   * then stopped (or failed) before saving that it did. The adapter then makes sure
   * it does not post the line a second time (message nonces, a look at the thread).
   * Absent or false for a line's first delivery, which costs no extra reads.
   */
  maybePosted?: boolean;
}

/** A waiting job's progress, for the message that shows it. */
export interface ProgressDelivery {
  story: Story;
  jobId: string;
  requestedBy: Person;
  progress: Progress;
  text: string;
}

/** One candidate of a vote, as its message shows it. */
export interface VoteViewCandidate {
  /** Its number, from 1. */
  n: number;
  text: string;
  votes: number;
  /** The names of who voted for it. */
  voters: string[];
  /** Whether it won (a closed vote). */
  won: boolean;
}

/** What a vote's message says, in words any chat can render (each adds its own markup). */
export interface VoteView {
  open: boolean;
  /** "🗳️ Vote on the next line, asked for by Ann" or "🗳️ Candidate 2 won, with 3 votes". */
  title: string;
  candidates: VoteViewCandidate[];
  /** "2 of 3 people have voted · Ann (owner) or an admin can /pick 2" or how it closed. */
  footer: string;
  /** When an open vote closes (ISO time), for a chat's own countdown. */
  closesAt: string;
}

/** A vote to show in its story's thread: posted once, then edited as people vote, and once when it closes. */
export interface VoteDelivery {
  story: Story;
  vote: Vote;
  view: VoteView;
  /** One button per candidate while the vote is open; none once it has closed. */
  buttons: Button[];
  /**
   * True when the vote's message may be in the thread already though `vote.message` names none: the bot may have
   * posted it and stopped before saving its id. The adapter then looks before posting, as for a line.
   */
  maybePosted?: boolean;
}

/** A job that will not produce a line, and why. */
export interface FailureDelivery {
  story: Story;
  jobId: string;
  requestedBy: Person;
  text: string;
}

/**
 * What each chat adapter does for core: post lines, progress and failures. Core
 * marks a line delivered only after `deliverLine` resolves, so a line may come
 * again (with `maybePosted`); each adapter uses its platform's own tools to keep
 * from posting a line that is in the thread already.
 */
export interface ChatDelivery {
  /**
   * Posts a generated line in its story's thread; a repeat of a line already there posts nothing. Rejects when it
   * could not post.
   */
  deliverLine(delivery: LineDelivery): Promise<void>;
  /** Shows a waiting job's progress (best effort, throttled by the adapter). */
  deliverProgress(delivery: ProgressDelivery): Promise<void>;
  /** Tells the story's chat that a job will not produce a line. */
  deliverFailure(delivery: FailureDelivery): Promise<void>;
  /**
   * Shows a vote: posts its message when `vote.message` names none (once: see `maybePosted`), else edits that
   * message (the adapter may hold back edits to its platform's rate, but shows the newest, and a closed vote's at
   * once). Resolves to the id of the message that shows it, which core saves in the story; rejects when it could
   * not show it.
   */
  deliverVote(delivery: VoteDelivery): Promise<string>;
}

/** A change to a story, for live views (the playground shows everyone's changes). */
export interface StoryEvent {
  kind: 'started' | 'line' | 'undo' | 'branch' | 'switch' | 'ended' | 'thread' | 'pending' | 'vote';
  story: Story;
  line?: Line;
}
