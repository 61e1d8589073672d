/**
 * Role: how storyloom looks on the platform (on Discord and Slack, render.ts too).
 * In the playground that is what its API returns, as JSON: stories (their current
 * branch's lines, and their vote), and replies (the page draws them).
 */
import { storyButtons } from '../../core/buttons.ts';
import { branchCount, branchLines } from '../../core/story-tree.ts';
import type { Button, Line, Reply, Story, Vote } from '../../core/types.ts';
import { voteButtons, voteView } from '../../core/vote-text.ts';
import { type Allowed, whoMayPress } from '../../stories/permissions.ts';

/** Anyone may press it (a vote's buttons). */
const EVERYONE: Allowed = { anyone: true, admins: true, ids: [] };

/** A line as the API shows it; a line chosen by vote says which candidate it was and who voted for it. */
export function lineView(l: Line) {
  const by = l.kind === 'model' ? 'storyloom' : l.by.name || l.by.id;
  const v = l.vote;
  const vote = v
    ? {
        voteId: v.vote_id,
        n: v.n,
        of: v.of,
        won: v.won,
        voters: v.voters.map(nameOf),
        closedBy: v.closed_by,
        pickedBy: v.picked_by ? nameOf(v.picked_by) : null,
      }
    : null;
  return { id: l.id, kind: l.kind, text: l.text, by, author: l.by, at: l.at, jobId: l.job_id, model: l.model, vote };
}

const nameOf = (p: { id: string; name: string }) => p.name || p.id;

/**
 * The vote the story's page shows: the open one, or the one that just closed while its winner is still the newest
 * line of the current branch (once the story goes on, or moves elsewhere, the vote is history: its lines record it).
 */
function shownVote(s: Story): Vote | null {
  const vote = s.vote;
  if (!vote) return null;
  if (vote.status === 'open') return vote;
  const head = s.lines.find((l) => l.id === s.head);
  return head?.vote?.vote_id === vote.id ? vote : null;
}

/**
 * A vote as the API shows it: core's words (title, candidates with counts and voters, footer), when it closes, who
 * voted for what (by id, so a page can mark its viewer's own vote), and the buttons: a Vote button per candidate
 * that anyone may press, and `pick`, who may close it with the candidate they choose (`/pick n`).
 */
export function voteJson(s: Story, vote: Vote) {
  const view = voteView(s, vote);
  return {
    id: vote.id,
    jobId: vote.job_id,
    open: view.open,
    title: view.title,
    footer: view.footer,
    closesAt: view.closesAt,
    winner: vote.winner,
    closedBy: vote.closed_by,
    candidates: view.candidates.map((c) => ({
      ...c,
      voterIds: vote.ballots.filter((b) => b.choice === c.n).map((b) => b.by.id),
    })),
    buttons: voteButtons(s, vote).map((b) => ({ ...b, who: EVERYONE })),
    pick: view.open ? { who: whoMayPress(s, 'pick') } : null,
  };
}

/** Who may press a story button: a vote's, anyone; the others, by core's rules. */
function whoFor(s: Story, b: Button): Allowed {
  return b.action === 'vote' ? EVERYONE : whoMayPress(s, b.action);
}

/**
 * The title to show: a title cut from a longer opening ends at a whole word, with "…".
 * (A story's title is the start of its opening, cut at a fixed length.)
 */
export function displayTitle(s: Story): string {
  const opening = s.lines[0]?.kind === 'seed' ? s.lines[0].text.replace(/\s+/g, ' ').trim() : '';
  const title = s.title.trim();
  if (title.endsWith('…') || !opening.startsWith(title) || opening.length <= title.length) return title;
  // Cut inside a word: drop the word's start, unless the title is that one word.
  const whole = /\s/.test(opening[title.length]) ? title : title.replace(/\s+\S*$/, '');
  return `${(whole || title).replace(/[\s,;:–—-]+$/, '')}…`;
}

/**
 * A story as the API shows it: the lines of its current branch, numbered from 1 as /branch counts them. Each
 * button says who may press it (from core's rules), so a page shows a viewer only the buttons they may use; `branch`
 * says the same of moving the story back to an earlier line (the page's "branch here" on each earlier line).
 * `vote` is its vote (see voteJson); while one is open, End is its only story button (core's storyButtons).
 * `candidates` is the story's own number of candidates for Continue (null: the channel's).
 */
export function storyView(s: Story) {
  const vote = shownVote(s);
  return {
    id: s.id,
    title: s.title,
    displayTitle: displayTitle(s),
    status: s.status,
    version: s.version,
    owner: s.owner,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    lines: branchLines(s).map(lineView),
    branches: branchCount(s),
    branch: { who: whoMayPress(s, 'branch') },
    pending: s.pending
      ? { jobId: s.pending.job_id, purpose: s.pending.purpose, requestedBy: s.pending.requested_by }
      : null,
    buttons: storyButtons(s).map((b) => ({ ...b, who: whoFor(s, b) })),
    candidates: s.settings.candidates ?? null,
    vote: vote ? voteJson(s, vote) : null,
  };
}

/** A story in the channel list. */
export function storySummary(s: Story) {
  return {
    id: s.id,
    title: s.title,
    displayTitle: displayTitle(s),
    status: s.status,
    owner: s.owner,
    lines: branchLines(s).length,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    pending: s.pending !== null,
    voting: s.vote?.status === 'open',
  };
}

/** A reply as the API shows it; `files` are all its files in order (an export's Markdown, then its tree). */
export function replyView(r: Reply) {
  const buttons = r.buttons ?? (r.story ? storyButtons(r.story) : []);
  const { text, ephemeral } = r;
  const files = r.file ? [r.file, ...(r.moreFiles ?? [])] : [];
  const file = r.file ?? null;
  return { text, ephemeral, jobId: r.jobId ?? null, progress: r.progress ?? null, buttons, file, files };
}
