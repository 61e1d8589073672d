/**
 * What can happen to a story, as pure functions: each takes a story and returns
 * the changed copy (the version goes up when the text changes), or throws a
 * UserError that says why not. The store persists; who may retry, undo or end is
 * stated once in permissions.ts and enforced here.
 */
import { monotonicFactory, ulid } from 'ulid';
import type { Person, Purpose, ReplyTo, Sampling } from '../jobs/protocol.ts';
import { UserError } from './errors.ts';
import { mayPress } from './permissions.ts';
import { endRefusal, lineRefusal } from './refusals.ts';
import type { Line, Pending, Story, StorySettings } from './schema.ts';

const now = () => new Date().toISOString();

function touch(story: Story, changedText: boolean): Story {
  return { ...story, updated_at: now(), version: changedText ? story.version + 1 : story.version };
}

function line(kind: Line['kind'], text: string, by: Person, extra: Partial<Line> = {}): Line {
  return {
    id: ulid(),
    kind,
    text,
    by: { id: by.id, name: by.name },
    at: now(),
    job_id: null,
    sampling: null,
    model: null,
    delivered: true,
    ...extra,
  };
}

/** A new story that starts with its opening (a line of kind 'seed'). */
export function createStory(seed: string, owner: Person, place: ReplyTo, settings: StorySettings): Story {
  const at = now();
  const title = seed.replace(/\s+/g, ' ').slice(0, 100);
  return {
    v: 1,
    type: 'story',
    id: ulid(),
    title,
    owner: { id: owner.id, name: owner.name },
    place: { platform: place.platform, channel: place.channel, thread: place.thread, message: null },
    created_at: at,
    updated_at: at,
    status: 'open',
    version: 0,
    lines: [line('seed', seed, owner)],
    pending: null,
    settings,
    context_start: 0,
  };
}

/** Refuses changes to an ended story. */
export function checkOpen(story: Story): void {
  if (story.status === 'ended') {
    const text = 'This story has ended. Use /export for the whole story, or start a new one with /story.';
    throw new UserError('story_ended', text);
  }
}

/** A person's own line joins the story. */
export function addHumanLine(story: Story, text: string, by: Person): Story {
  checkOpen(story);
  return { ...touch(story, true), lines: [...story.lines, line('human', text, by)] };
}

/** Marks a job as in flight; only one job runs per story. */
export function beginJob(
  story: Story,
  jobId: string,
  purpose: Purpose,
  by: Person,
  replacesLine: string | null = null,
  attempt = 1,
): Story {
  checkOpen(story);
  if (story.pending && story.pending.job_id !== jobId) {
    throw new UserError('busy', 'A line is already being written for this story. Wait for it, then try again.');
  }
  const pending: Pending = {
    job_id: jobId,
    purpose,
    attempt,
    requested_by: { id: by.id, name: by.name },
    requested_at: now(),
    base_version: story.version,
    replaces_line: replacesLine,
  };
  return { ...touch(story, false), pending };
}

/** Forgets the job in flight (it failed, expired or was cancelled). */
export function clearJob(story: Story, jobId: string): Story {
  return story.pending?.job_id === jobId ? { ...touch(story, false), pending: null } : story;
}

/** True when the text changed after the job in flight was asked for. */
export function isStale(story: Story): boolean {
  return story.pending !== null && story.pending.base_version !== story.version;
}

/** Applies a finished job: appends the model line, or replaces the retried one. */
export function applyResult(
  story: Story,
  jobId: string,
  text: string,
  sampling: Sampling,
  model: string,
): { story: Story; line: Line } {
  const pending = story.pending;
  if (!pending || pending.job_id !== jobId) throw new Error(`story ${story.id} is not waiting for job ${jobId}`);
  const added = line('model', text, pending.requested_by, { job_id: jobId, sampling, model, delivered: false });
  let lines = [...story.lines];
  const replaced = pending.replaces_line ? lines.findIndex((l) => l.id === pending.replaces_line) : -1;
  if (replaced >= 0) lines.splice(replaced, 1, added);
  else lines = [...lines, added];
  return { story: { ...touch(story, true), lines, pending: null }, line: added };
}

/** Marks a line as posted in the chat. */
export function markDelivered(story: Story, lineId: string): Story {
  return { ...story, lines: story.lines.map((l) => (l.id === lineId ? { ...l, delivered: true } : l)) };
}

/** Removes the last line: its author, the story's owner or an admin may. */
export function undo(story: Story, by: Person, admin: boolean): { story: Story; removed: Line } {
  checkOpen(story);
  const last = story.lines[story.lines.length - 1];
  if (story.lines.length <= 1) {
    throw new UserError('nothing_to_undo', 'Only the opening is left; there is nothing to undo.');
  }
  if (!mayPress(story, 'undo', by, admin)) throw lineRefusal(story, last, 'undo');
  if (story.pending) throw new UserError('busy', 'A line is being written right now; undo once it arrives.');
  return { story: { ...touch(story, true), lines: story.lines.slice(0, -1) }, removed: last };
}

/** The model line a retry would replace: the last line, which must be the model's. */
export function retryTarget(story: Story, by: Person, admin: boolean): Line {
  checkOpen(story);
  const last = story.lines[story.lines.length - 1];
  if (last.kind !== 'model') {
    const why = 'The last line was not written by the model. Use Continue to write a new one.';
    throw new UserError('nothing_to_retry', why);
  }
  if (!mayPress(story, 'retry', by, admin)) throw lineRefusal(story, last, 'retry');
  return last;
}

/** Closes the story: its owner or an admin may. */
export function endStory(story: Story, by: Person, admin: boolean): Story {
  checkOpen(story);
  if (!mayPress(story, 'end', by, admin)) throw endRefusal(story);
  return { ...touch(story, false), status: 'ended', pending: null };
}

/** Records the thread (and the message it hangs from) once the chat has made it. */
export function attachThread(story: Story, thread: string, message: string | null): Story {
  return { ...touch(story, false), place: { ...story.place, thread, message } };
}

/** ULIDs that sort in the order they were made, even within one millisecond. */
const nextJobId = monotonicFactory();

/**
 * Makes a ULID for a new job. Workers take jobs in id order (within a user's turn), so ids must follow the order
 * jobs were asked for: a plain ULID made in the same millisecond as another sorts before or after it at random.
 */
export function newJobId(): string {
  return nextJobId();
}
