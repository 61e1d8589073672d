/**
 * What can happen to a story, as pure functions: each takes a story and returns
 * the changed copy (the version goes up when the text changes), or throws a
 * UserError that says why not. The store persists; who may retry, undo, branch or
 * end is stated once in permissions.ts and enforced here. A story is a tree
 * (schema.ts): new lines grow from the head, and what people read, retry and undo
 * is the current branch (tree.ts).
 */
import { monotonicFactory, ulid } from 'ulid';
import type { Person, Purpose, ReplyTo, Sampling } from '../jobs/protocol.ts';
import { UserError } from './errors.ts';
import { mayPress } from './permissions.ts';
import { branchRefusal, endRefusal, lineRefusal, switchRefusal } from './refusals.ts';
import type { Line, Pending, Story, StorySettings, TreeLine } from './schema.ts';
import { checkNoVote } from './vote.ts';
import { type Branch, branches, childrenOf, currentBranch, headLine, lineNumbered } from './tree.ts';

const now = () => new Date().toISOString();

function touch(story: Story, changedText: boolean): Story {
  return { ...story, updated_at: now(), version: changedText ? story.version + 1 : story.version };
}

function line(
  kind: Line['kind'],
  text: string,
  by: Person,
  parent: string | null,
  extra: Partial<Line> = {},
): TreeLine {
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
    parent,
  };
}

/** The story with `added` grown from its head, which `added` becomes. */
function grow(story: Story, added: TreeLine): Story {
  return { ...touch(story, true), lines: [...story.lines, added], head: added.id };
}

/** A new story that starts with its opening (a line of kind 'seed'). */
export function createStory(seed: string, owner: Person, place: ReplyTo, settings: StorySettings): Story {
  const at = now();
  const title = seed.replace(/\s+/g, ' ').slice(0, 100);
  const opening = line('seed', seed, owner, null);
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
    lines: [opening],
    pending: null,
    settings,
    context_start: 0,
    head: opening.id,
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
  checkNoVote(story, 'add your line');
  return grow(story, line('human', text, by, story.head));
}

/** Marks a job as in flight; only one job runs per story. */
export function beginJob(
  story: Story,
  jobId: string,
  purpose: Purpose,
  by: Person,
  replacesLine: string | null = null,
  attempt = 1,
  candidates = 1,
): Story {
  checkOpen(story);
  checkNoVote(story, 'ask for another');
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
    ...(candidates > 1 ? { candidates } : {}),
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

/**
 * Applies a finished job: the model line grows from the head, or (a retry) takes the retried line's place on the
 * current branch. A retried line that another branch still goes on from stays for that branch.
 */
export function applyResult(
  story: Story,
  jobId: string,
  text: string,
  sampling: Sampling,
  model: string,
  style?: string | null,
): { story: Story; line: TreeLine } {
  const pending = story.pending;
  if (!pending || pending.job_id !== jobId) throw new Error(`story ${story.id} is not waiting for job ${jobId}`);
  const made = { job_id: jobId, sampling, model, delivered: false, ...(style !== undefined ? { style } : {}) };
  const replaced = pending.replaces_line ? story.lines.find((l) => l.id === pending.replaces_line) : undefined;
  if (!replaced) {
    const added = line('model', text, pending.requested_by, story.head, made);
    return { story: { ...grow(story, added), pending: null }, line: added };
  }
  const added = line('model', text, pending.requested_by, replaced.parent, made);
  return { story: { ...touch(story, true), ...replaceOnBranch(story, replaced, added), pending: null }, line: added };
}

/**
 * The lines and head with `added` in the place of `old` on the current branch: the line after `old` there now
 * follows `added`. `old` goes, unless another branch goes on from it; then `added` comes right after it, so every
 * line still comes after its parent.
 */
function replaceOnBranch(story: Story, old: TreeLine, added: TreeLine): { lines: TreeLine[]; head: string } {
  const branch = currentBranch(story);
  const at = branch.findIndex((l) => l.id === old.id);
  const next = at >= 0 ? branch[at + 1] : undefined;
  const others = childrenOf(story, old.id).filter((l) => l.id !== next?.id);
  const lines = story.lines.flatMap((l) => {
    if (l.id === next?.id) return [{ ...l, parent: added.id }];
    if (l.id !== old.id) return [l];
    return others.length > 0 ? [l, added] : [added];
  });
  return { lines, head: story.head === old.id ? added.id : story.head };
}

/** Marks a line as posted in the chat. */
export function markDelivered(story: Story, lineId: string): Story {
  return { ...story, lines: story.lines.map((l) => (l.id === lineId ? { ...l, delivered: true } : l)) };
}

/**
 * Removes the newest line of the current branch (the head), whose parent becomes the head: its author, the story's
 * owner or an admin may. Never a line another branch goes on from: /branch moves back past it without deleting.
 */
export function undo(story: Story, by: Person, admin: boolean): { story: Story; removed: TreeLine } {
  checkOpen(story);
  checkNoVote(story, 'undo');
  const last = headLine(story);
  if (last.parent === null) {
    throw new UserError('nothing_to_undo', 'Only the opening is left; there is nothing to undo.');
  }
  if (!mayPress(story, 'undo', by, admin)) throw lineRefusal(story, last, 'undo');
  if (story.pending) throw new UserError('busy', 'A line is being written right now; undo once it arrives.');
  if (childrenOf(story, last.id).length > 0) {
    const n = currentBranch(story).length;
    const why =
      `Another branch goes on from line ${n}, so undo would cut it off. ` +
      `Use /branch ${n - 1} instead to go on from the line before it: nothing is deleted.`;
    throw new UserError('has_branches', why);
  }
  const lines = story.lines.filter((l) => l.id !== last.id);
  return { story: { ...touch(story, true), lines, head: last.parent }, removed: last };
}

/** The model line a retry would replace: the newest line of the current branch, which must be the model's. */
export function retryTarget(story: Story, by: Person, admin: boolean): TreeLine {
  checkOpen(story);
  checkNoVote(story, 'retry');
  const last = headLine(story);
  if (last.kind !== 'model') {
    const why = 'The last line was not written by the model. Use Continue to write a new one.';
    throw new UserError('nothing_to_retry', why);
  }
  if (!mayPress(story, 'retry', by, admin)) throw lineRefusal(story, last, 'retry');
  return last;
}

/**
 * Moves the head back to line `n` of the current branch (1 is the opening), so new lines grow a new branch from
 * it; nothing is deleted. The story's owner or an admin may, while no line is being written.
 */
export function branchFrom(story: Story, n: number, by: Person, admin: boolean): { story: Story; line: TreeLine } {
  checkOpen(story);
  checkNoVote(story, 'branch');
  if (!mayPress(story, 'branch', by, admin)) throw branchRefusal(story);
  if (story.pending) throw new UserError('busy', 'A line is being written right now; branch once it arrives.');
  const length = currentBranch(story).length;
  const target = lineNumbered(story, n);
  if (!target) {
    const has = length === 1 ? 'has only its opening, line 1' : `has lines 1 to ${length}`;
    throw new UserError('bad_option', `There is no line ${n}: the story ${has}. /branches lists its branches.`);
  }
  if (target.id === story.head) {
    const earlier = n > 1 ? ` To go on from an earlier line, pick one from 1 to ${n - 1}.` : '';
    throw new UserError('bad_option', `Line ${n} is the newest line already: new lines grow from it.${earlier}`);
  }
  // The prompt's first line stays when it is still on the branch, so a worker's cached state still fits it.
  const contextStart = story.context_start < n ? story.context_start : 0;
  return { story: { ...touch(story, true), head: target.id, context_start: contextStart }, line: target };
}

/**
 * Moves the head to the last line of branch `n` as branches() numbers them (1 is the current branch), so the story
 * goes on from there; nothing is deleted. The same people as for branchFrom may, at the same times.
 */
export function switchTo(story: Story, n: number, by: Person, admin: boolean): { story: Story; branch: Branch } {
  checkOpen(story);
  checkNoVote(story, 'switch');
  if (!mayPress(story, 'branch', by, admin)) throw switchRefusal(story);
  if (story.pending) throw new UserError('busy', 'A line is being written right now; switch once it arrives.');
  const all = branches(story);
  const target = Number.isInteger(n) && n >= 1 ? all[n - 1] : undefined;
  if (!target) {
    const has =
      all.length === 1
        ? 'this story has only branch 1, the current one'
        : `this story has branches 1 to ${all.length}, 1 being the current one`;
    throw new UserError('bad_option', `There is no branch ${n}: ${has}. /branches lists them.`);
  }
  if (target.current) {
    throw new UserError('bad_option', 'Branch 1 is the current branch already: new lines grow from its last line.');
  }
  // As in branchFrom: the prompt's first line stays when the new branch shares it.
  const contextStart = story.context_start < (target.forksAt ?? 0) ? story.context_start : 0;
  return { story: { ...touch(story, true), head: target.last.id, context_start: contextStart }, branch: target };
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
