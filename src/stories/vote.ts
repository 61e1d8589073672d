/**
 * A story's vote on its next line, as pure functions like story.ts: a job's
 * candidates open it, people vote (one ballot each, which they may move), and it
 * closes once: its window runs out, every active participant has voted, the owner
 * or an admin picks, or the story ends. Closing adds every candidate to the tree
 * as a line after the head it was written for: the winner becomes the head, the
 * others stay as branches, each recording its votes.
 *
 * The tie rule: the most votes win; among candidates with as many, the one that
 * reached its count first (its newest ballot is the oldest) wins; with no votes at
 * all, candidate 1, the line a plain Continue would have written.
 */
import { ulid } from 'ulid';
import type { Candidate, Person, Sampling } from '../jobs/protocol.ts';
import { UserError } from './errors.ts';
import { mayPress } from './permissions.ts';
import { count } from './plural.ts';
import type { Ballot, Story, TreeLine, Vote, VoteClosing } from './schema.ts';

/** Whoever wrote, asked for or voted on a line this recently is an active participant when a vote opens. */
export const ACTIVE_MS = 15 * 60 * 1000;

const iso = (ms: number) => new Date(ms).toISOString();

/** The open vote, if any. */
export function openVote(story: Story): Vote | null {
  return story.vote?.status === 'open' ? story.vote : null;
}

/** Seconds until the vote closes (at least 0). */
export function secondsLeft(vote: Vote, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(vote.closes_at) - now) / 1000));
}

/** Refuses a change to the story while its channel votes on the next line (`what`: "undo", "add a line"…). */
export function checkNoVote(story: Story, what: string): void {
  const vote = openVote(story);
  if (!vote) return;
  const left = secondsLeft(vote);
  const why =
    `The channel is voting on the next line (${count(left, 'second')} left). ` +
    `Vote with the buttons, or ${what} once the vote has closed.`;
  throw new UserError('vote_open', why);
}

/**
 * The people active in the story at `now`: the requester, and whoever wrote or asked for a line on the story,
 * or voted on one, in the last {@link ACTIVE_MS}. The opening counts as its owner's.
 */
export function participantsOf(story: Story, requester: Person, now: number): Person[] {
  const seen = new Map<string, Person>([[requester.id, { id: requester.id, name: requester.name }]]);
  const add = (p: Person) => {
    if (!seen.has(p.id)) seen.set(p.id, { id: p.id, name: p.name });
  };
  for (const line of story.lines) {
    if (now - Date.parse(line.at) > ACTIVE_MS) continue;
    add(line.by);
    for (const voter of line.vote?.voters ?? []) add(voter);
  }
  return [...seen.values()];
}

/** What opening a vote needs beyond the story: the job's candidates, sampling and model, and the window. */
export interface VoteOpening {
  jobId: string;
  candidates: Candidate[];
  sampling: Sampling;
  model: string;
  /** The style the worker wrote them in (null: none), when the story asked for one. */
  style?: string | null;
  windowMs: number;
  now: number;
}

/** The story's job in flight wrote these candidates: it is done, and the channel votes on them. */
export function beginVote(story: Story, opening: VoteOpening): { story: Story; vote: Vote } {
  const pending = story.pending;
  if (!pending || pending.job_id !== opening.jobId) {
    throw new Error(`story ${story.id} is not waiting for job ${opening.jobId}`);
  }
  const { now } = opening;
  const vote: Vote = {
    id: ulid(),
    job_id: opening.jobId,
    status: 'open',
    requested_by: pending.requested_by,
    parent: story.head,
    opened_at: iso(now),
    closes_at: iso(now + opening.windowMs),
    candidates: opening.candidates.map((c) => ({ text: c.text.trim(), stop: c.stop, seed: c.seed })),
    sampling: opening.sampling,
    model: opening.model,
    ...(opening.style !== undefined ? { style: opening.style } : {}),
    participants: participantsOf(story, pending.requested_by, now),
    ballots: [],
    message: null,
    winner: null,
    closed_by: null,
    picked_by: null,
    shown: false,
  };
  return { story: { ...story, updated_at: iso(now), pending: null, vote }, vote };
}

/** What a press on a vote's button did. */
export type BallotOutcome =
  | { kind: 'cast'; choice: number }
  | { kind: 'moved'; choice: number; from: number }
  | { kind: 'same'; choice: number };

/**
 * Finds the vote a button or command names: the open one, or a UserError that says why not (a closed vote says
 * who won; a vote of another story, or none, says so).
 */
export function voteNamed(story: Story, voteId: string | null): Vote {
  const vote = openVote(story);
  if (vote && (voteId === null || vote.id === voteId)) return vote;
  const closed = voteId ? closedVoteLines(story, voteId) : [];
  if (closed.length > 0 || (voteId && story.vote?.id === voteId)) {
    throw new UserError('vote_closed', closedText(story, voteId!));
  }
  if (voteId)
    throw new UserError('not_found', 'That vote is not one of this story’s: vote with the buttons in its thread.');
  throw new UserError('no_vote', 'Nothing is being voted on in this story right now. Continue asks for a new line.');
}

/** The lines that were candidates of the vote `voteId` (after it closed). */
function closedVoteLines(story: Story, voteId: string): TreeLine[] {
  return story.lines.filter((l) => l.vote?.vote_id === voteId);
}

/** "That vote has closed: candidate 2 won, with 3 votes." (or why it has no winner). */
function closedText(story: Story, voteId: string): string {
  const won = closedVoteLines(story, voteId).find((l) => l.vote?.won);
  if (!won?.vote) return 'That vote has closed: the story ended before it was decided.';
  const votes = count(won.vote.voters.length, 'vote');
  return `That vote has closed: candidate ${won.vote.n} won, with ${votes}. Its lines are in the story now.`;
}

/** Checks a candidate's number against the vote: a UserError that gives the range. */
function checkChoice(vote: Vote, choice: number): void {
  if (!Number.isInteger(choice) || choice < 1 || choice > vote.candidates.length) {
    throw new UserError('bad_option', `There is no candidate ${choice}: pick one from 1 to ${vote.candidates.length}.`);
  }
}

/** A person votes for candidate `choice`, or moves their vote there; a second press of the same changes nothing. */
export function castBallot(
  story: Story,
  voteId: string | null,
  choice: number,
  by: Person,
  now: number,
): { story: Story; vote: Vote; outcome: BallotOutcome } {
  const vote = voteNamed(story, voteId);
  checkChoice(vote, choice);
  const mine = vote.ballots.find((b) => b.by.id === by.id);
  if (mine?.choice === choice) return { story, vote, outcome: { kind: 'same', choice } };
  const ballot: Ballot = { by: { id: by.id, name: by.name }, choice, at: iso(now) };
  const ballots = [...vote.ballots.filter((b) => b.by.id !== by.id), ballot];
  const after = { ...vote, ballots };
  const outcome: BallotOutcome = mine ? { kind: 'moved', choice, from: mine.choice } : { kind: 'cast', choice };
  return { story: { ...story, updated_at: iso(now), vote: after }, vote: after, outcome };
}

/** Whether every participant the vote counted on has voted. */
export function everyoneVoted(vote: Vote): boolean {
  const voted = new Set(vote.ballots.map((b) => b.by.id));
  return vote.participants.every((p) => voted.has(p.id));
}

/** The votes for each candidate, in the candidates' order. */
export function tally(vote: Vote): number[] {
  const counts = vote.candidates.map(() => 0);
  for (const b of vote.ballots) counts[b.choice - 1]++;
  return counts;
}

/** The winning candidate's number, by the tie rule in this file's header. */
export function leader(vote: Vote): number {
  const counts = tally(vote);
  const reached = (n: number) =>
    Math.max(...vote.ballots.filter((b) => b.choice === n).map((b) => Date.parse(b.at)), Number.NEGATIVE_INFINITY);
  let best = 1;
  for (let n = 2; n <= counts.length; n++) {
    const more = counts[n - 1] > counts[best - 1];
    const tieFirst = counts[n - 1] === counts[best - 1] && counts[n - 1] > 0 && reached(n) < reached(best);
    if (more || tieFirst) best = n;
  }
  return best;
}

/** How a vote closes: why, who picked (for 'pick' and 'ended'), and the pick. */
export interface VoteClose {
  how: VoteClosing;
  by: Person | null;
  /** The picked candidate ('pick' only). */
  choice?: number;
  now: number;
}

/**
 * Closes the open vote `voteId`: every candidate joins the tree after the vote's parent, recording its votes; the
 * winner becomes the head (unless the story ended), credited to whoever asked for the candidates. Returns the
 * winner's line (null when the story ended), or `closed: false` when that vote is not open (it closed already).
 */
export function closeVote(
  story: Story,
  voteId: string,
  close: VoteClose,
): { story: Story; winner: TreeLine | null; closed: boolean } {
  const vote = openVote(story);
  if (!vote || vote.id !== voteId) return { story, winner: null, closed: false };
  if (close.how === 'pick') checkChoice(vote, close.choice ?? 0);
  const winner = close.how === 'ended' ? null : close.how === 'pick' ? close.choice! : leader(vote);
  const picker = close.by ? { id: close.by.id, name: close.by.name } : null;
  const at = iso(close.now);
  const lines: TreeLine[] = vote.candidates.map((c, i) => ({
    id: ulid(),
    kind: 'model',
    text: c.text,
    by: vote.requested_by,
    at,
    job_id: i + 1 === winner ? vote.job_id : null,
    sampling: { ...vote.sampling, seed: c.seed },
    model: vote.model,
    ...(vote.style !== undefined ? { style: vote.style } : {}),
    // The winner is posted as the story's next line; the others were shown in the vote's message.
    delivered: i + 1 !== winner,
    parent: vote.parent,
    vote: {
      vote_id: vote.id,
      n: i + 1,
      of: vote.candidates.length,
      voters: vote.ballots.filter((b) => b.choice === i + 1).map((b) => b.by),
      won: i + 1 === winner,
      closed_by: close.how,
      picked_by: picker,
    },
  }));
  const closed: Vote = { ...vote, status: 'closed', winner, closed_by: close.how, picked_by: picker };
  const winnerLine = winner === null ? null : lines[winner - 1];
  const after: Story = {
    ...story,
    updated_at: at,
    version: story.version + 1,
    lines: [...story.lines, ...lines],
    head: winnerLine?.id ?? story.head,
    vote: closed,
  };
  return { story: after, winner: winnerLine, closed: true };
}

/** The open vote, which `by` may close with a pick (the owner or an admin): a UserError for anyone else, or none. */
export function checkPick(story: Story, by: Person, admin: boolean): Vote {
  const vote = voteNamed(story, null);
  if (!mayPress(story, 'pick', by, admin)) {
    throw new UserError('forbidden', `Only ${story.owner.name} (who started this story) or an admin can pick.`);
  }
  return vote;
}

/** Records the chat message that shows the vote. */
export function setVoteMessage(story: Story, voteId: string, message: string): Story {
  if (story.vote?.id !== voteId || story.vote.message === message) return story;
  return { ...story, vote: { ...story.vote, message } };
}

/** Records that the chat shows the closed vote as closed. */
export function markVoteShown(story: Story, voteId: string): Story {
  if (story.vote?.id !== voteId || story.vote.status !== 'closed' || story.vote.shown) return story;
  return { ...story, vote: { ...story.vote, shown: true } };
}
