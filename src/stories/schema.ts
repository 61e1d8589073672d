/**
 * stories/<story_id>.json: a story's state. The bot is its only writer. Each line
 * records its kind, author, job id, sampling settings and time; `version` counts
 * the changes; `pending` is the one job in flight, if any.
 *
 * A story is a tree: each line names its parent (the line it follows), and `head` is
 * the newest line of the current branch, the path from the opening to the head that
 * new lines grow from. `lines` holds every line of every branch, each after its
 * parent. A file saved before stories branched has neither: it loads as a tree with
 * one branch (each line's parent is the line before it; the head is the last line).
 */
import { z } from 'zod';
import {
  MAX_CANDIDATES,
  PLATFORMS,
  PROTOCOL_VERSION,
  PURPOSES,
  Person,
  STOP_REASONS,
  Sampling,
  Seed,
  StyleName,
  Time,
  Ulid,
} from '../jobs/protocol.ts';

/** Where a line came from. */
export const LINE_KINDS = ['seed', 'model', 'human'] as const;

/** How a vote closed: its window ran out, every active participant voted, the owner or an admin picked, or it ended. */
export const VOTE_CLOSINGS = ['window', 'everyone', 'pick', 'ended'] as const;

/** A person's vote: whom, for which candidate (numbered from 1), and when they last chose it. */
export const Ballot = z.object({ by: Person, choice: z.number().int().min(1).max(MAX_CANDIDATES), at: Time });

/** What a line that was a candidate of a vote records of it: the vote, its number there, who voted for it. */
export const LineVote = z.object({
  vote_id: Ulid,
  /** Its number among the vote's candidates, from 1. */
  n: z.number().int().min(1).max(MAX_CANDIDATES),
  /** How many candidates the vote had. */
  of: z.number().int().min(1).max(MAX_CANDIDATES),
  /** Who voted for it. */
  voters: z.array(Person),
  won: z.boolean(),
  closed_by: z.enum(VOTE_CLOSINGS),
  /** Who picked it (`closed_by` 'pick'), or ended the story. */
  picked_by: Person.nullable(),
});

/** One line of a story. */
export const Line = z.object({
  id: Ulid,
  kind: z.enum(LINE_KINDS),
  text: z.string(),
  by: Person,
  at: Time,
  job_id: Ulid.nullable(),
  sampling: Sampling.nullable(),
  model: z.string().nullable(),
  delivered: z.boolean(),
  /** The line this one follows (null for the opening). Absent in files saved before stories branched. */
  parent: Ulid.nullable().optional(),
  /** For a line that was a candidate of a vote: that vote (absent for every other line). */
  vote: LineVote.optional(),
  /** For a model line: the style the worker wrote it in (null: none; absent: asked for none, or before styles). */
  style: StyleName.nullable().optional(),
});

/** A line of a loaded story, which always names its parent. */
export type TreeLine = Line & { parent: string | null };

/** The job a story is waiting for. */
export const Pending = z.object({
  job_id: Ulid,
  purpose: z.enum(PURPOSES),
  attempt: z.number().int().min(1),
  requested_by: Person,
  requested_at: Time,
  base_version: z.number().int().min(0),
  replaces_line: Ulid.nullable(),
  /** How many candidate lines the job writes (absent: 1, a line as before votes). */
  candidates: z.number().int().min(2).max(MAX_CANDIDATES).optional(),
});

/** One candidate line of a vote, as the worker wrote it. */
export const VoteCandidate = z.object({
  text: z.string(),
  stop: z.enum(STOP_REASONS),
  seed: Seed,
});

/**
 * A vote on the story's next line: the candidates one job wrote, the people's ballots, and when it closes. While
 * it is open the story takes no other change but /end; when it closes the candidates join the tree (the winner as
 * the head) and the vote stays here, closed, until its chat message shows that (`shown`).
 */
export const Vote = z.object({
  id: Ulid,
  job_id: Ulid,
  status: z.enum(['open', 'closed']),
  requested_by: Person,
  /** The head the candidates follow. */
  parent: Ulid,
  opened_at: Time,
  closes_at: Time,
  candidates: z.array(VoteCandidate).min(2).max(MAX_CANDIDATES),
  /** The sampling the job used (each candidate's own seed is in `candidates`). */
  sampling: Sampling,
  model: z.string(),
  /** The style the worker wrote them in (null: none), when the story asked for one. */
  style: StyleName.nullable().optional(),
  /** The people active in the story when it opened: once each has voted, it closes. */
  participants: z.array(Person),
  ballots: z.array(Ballot),
  /** The chat message that shows the vote, once posted (a Discord message id, a Slack ts). */
  message: z.string().nullable(),
  /** Set when closed: the winning candidate's number (null when the story ended first), how, and by whom. */
  winner: z.number().int().min(1).max(MAX_CANDIDATES).nullable(),
  closed_by: z.enum(VOTE_CLOSINGS).nullable(),
  picked_by: Person.nullable(),
  /** Whether the chat shows the vote as closed (its final edit was made). */
  shown: z.boolean(),
});

/** A story's settings for new lines. */
export const StorySettings = z.object({
  temperature: z.number().min(0).max(2),
  max_chars: z.number().int().min(20).max(1000),
  /** How many candidate lines Continue writes for a vote (1: no vote); absent, the channel's default. */
  candidates: z.number().int().min(1).max(MAX_CANDIDATES).optional(),
  /** The style the story asks its lines in (absent: any, no particular one). */
  style: StyleName.optional(),
});

/** A whole story, as its file holds it (`head` and each line's `parent` may be missing: a flat story). */
const StoryFile = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('story'),
  id: Ulid,
  title: z.string(),
  owner: Person,
  place: z.object({
    platform: z.enum(PLATFORMS),
    channel: z.string(),
    thread: z.string().nullable(),
    message: z.string().nullable(),
  }),
  created_at: Time,
  updated_at: Time,
  status: z.enum(['open', 'ended']),
  version: z.number().int().min(0),
  lines: z.array(Line),
  pending: Pending.nullable(),
  settings: StorySettings,
  context_start: z.number().int().min(0),
  /** The newest line of the current branch. */
  head: Ulid.optional(),
  /** The story's latest vote, open or closed (absent in files saved before votes). */
  vote: Vote.nullable().optional(),
});

type StoryFile = z.infer<typeof StoryFile>;

/** The story with every parent and the head filled in: a flat story's lines follow one another. */
function asTree(story: StoryFile): Omit<StoryFile, 'lines' | 'head'> & { lines: TreeLine[]; head: string } {
  const lines = story.lines.map((l, i) => ({
    ...l,
    parent: l.parent === undefined ? (i === 0 ? null : story.lines[i - 1].id) : l.parent,
  }));
  return { ...story, lines, head: story.head ?? lines[lines.length - 1]?.id ?? '' };
}

/** Where a tree does not hold together: a parent that is not an earlier line, a second opening, a lost head. */
function treeProblem(story: ReturnType<typeof asTree>): { path: (string | number)[]; message: string } | null {
  if (story.lines.length === 0) return { path: ['lines'], message: 'a story has at least its opening' };
  const seen = new Set<string>();
  for (const [i, line] of story.lines.entries()) {
    if (seen.has(line.id)) return { path: ['lines', i, 'id'], message: 'two lines have this id' };
    if ((line.parent === null) !== (i === 0)) {
      return { path: ['lines', i, 'parent'], message: 'only the first line (the opening) has no parent' };
    }
    if (line.parent !== null && !seen.has(line.parent)) {
      return { path: ['lines', i, 'parent'], message: 'a parent must be an earlier line of the story' };
    }
    seen.add(line.id);
  }
  return seen.has(story.head) ? null : { path: ['head'], message: 'the head must be a line of the story' };
}

/** A whole story: read from its file (a flat one becomes a one-branch tree), with a tree that holds together. */
export const Story = StoryFile.transform(asTree).superRefine((story, ctx) => {
  const problem = treeProblem(story);
  if (problem) ctx.addIssue({ code: 'custom', ...problem });
});

export type Line = z.infer<typeof Line>;
export type Pending = z.infer<typeof Pending>;
export type Story = z.infer<typeof Story>;
export type StorySettings = z.infer<typeof StorySettings>;
export type Vote = z.infer<typeof Vote>;
export type Ballot = z.infer<typeof Ballot>;
export type LineVote = z.infer<typeof LineVote>;
export type VoteClosing = (typeof VOTE_CLOSINGS)[number];
export type LineKind = (typeof LINE_KINDS)[number];
