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

/** What each chat adapter does for core: post lines, progress and failures. */
export interface ChatDelivery {
  deliverLine(delivery: LineDelivery): Promise<void>;
  deliverProgress(delivery: ProgressDelivery): Promise<void>;
  deliverFailure(delivery: FailureDelivery): Promise<void>;
}

/** A change to a story, for live views (the playground shows everyone's changes). */
export interface StoryEvent {
  kind: 'started' | 'line' | 'undo' | 'ended' | 'thread' | 'pending';
  story: Story;
  line?: Line;
}
