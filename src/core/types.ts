/**
 * The words core and the chat adapters share: who acts, where, what core
 * replies, and what core asks adapters to deliver later.
 */
import type { Progress } from '../jobs/progress.ts';
import type { Person, Platform } from '../jobs/protocol.ts';
import type { Actor } from '../stories/story.ts';
import type { Line, Story } from '../stories/schema.ts';

export type { Actor } from '../stories/story.ts';

/** Where a command was run: a channel, and the thread inside it, if any. */
export interface Place {
  platform: Platform;
  channel: string;
  thread: string | null;
}

/** Who ran a command, and where. */
export interface CommandContext {
  actor: Actor;
  place: Place;
}

/** The buttons under a story line. */
export type ButtonAction = 'continue' | 'retry' | 'undo' | 'end';

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
  file?: { name: string; content: string; mime: string };
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
  /** Posts a generated line in its story's thread; a repeat of a line already there posts nothing. Rejects when it could not post. */
  deliverLine(delivery: LineDelivery): Promise<void>;
  /** Shows a waiting job's progress (best effort, throttled by the adapter). */
  deliverProgress(delivery: ProgressDelivery): Promise<void>;
  /** Tells the story's chat that a job will not produce a line. */
  deliverFailure(delivery: FailureDelivery): Promise<void>;
}

/** A change to a story, for live views (the playground shows everyone's changes). */
export interface StoryEvent {
  kind: 'started' | 'line' | 'undo' | 'ended' | 'thread' | 'pending';
  story: Story;
  line?: Line;
}
