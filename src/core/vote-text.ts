/**
 * The words and buttons of a vote's message: the candidates with their counts,
 * who may pick, and, once it has closed, which won and why. Platform-free: each
 * chat renders a VoteView with its own markup.
 */
import { count } from '../stories/plural.ts';
import type { Story, Vote, VoteClosing } from '../stories/schema.ts';
import { tally } from '../stories/vote.ts';
import { voteButtonId } from './buttons.ts';
import type { Button, VoteView } from './types.ts';

/** Why a closed vote closed, as its message ends. */
const CLOSED_BY: Record<VoteClosing, string> = {
  window: 'The vote’s time ran out',
  everyone: 'Everyone taking part voted',
  pick: 'picked it',
  ended: 'The story ended before the vote was decided',
};

/** The message of a vote, open or closed. */
export function voteView(story: Story, vote: Vote): VoteView {
  const counts = tally(vote);
  const candidates = vote.candidates.map((c, i) => ({
    n: i + 1,
    text: c.text,
    votes: counts[i],
    voters: vote.ballots.filter((b) => b.choice === i + 1).map((b) => b.by.name || b.by.id),
    won: vote.winner === i + 1,
  }));
  const asker = vote.requested_by.name || vote.requested_by.id;
  const base = { candidates, closesAt: vote.closes_at };
  if (vote.status === 'open') {
    const voted = vote.ballots.filter((b) => vote.participants.some((p) => p.id === b.by.id)).length;
    const people = count(vote.participants.length, 'person', 'people');
    const who = `${voted} of ${people} taking part ha${voted === 1 ? 's' : 've'} voted`;
    const footer =
      `${who}. Anyone may vote, and change their vote. It closes when time runs out or everyone taking part has ` +
      `voted; ${story.owner.name || story.owner.id} (who started the story) or an admin can /pick one now. ` +
      'A tie goes to the candidate that got there first.';
    return {
      ...base,
      open: true,
      title: `🗳️ Vote on the next line (${vote.candidates.length} candidates, asked for by ${asker})`,
      footer,
    };
  }
  const winner = vote.winner;
  const picker = vote.picked_by ? vote.picked_by.name || vote.picked_by.id : 'The owner';
  const how = vote.closed_by === 'pick' ? `${picker} ${CLOSED_BY.pick}` : CLOSED_BY[vote.closed_by ?? 'window'];
  const title =
    winner === null
      ? '🗳️ The vote closed without a winner'
      : `🗳️ Candidate ${winner} won, with ${count(counts[winner - 1], 'vote')}`;
  const footer =
    winner === null
      ? `${how}. Every candidate is kept as a branch (see /branches).`
      : `${how}. It is the story’s next line; the others are kept as branches (see /branches).`;
  return { ...base, open: false, title, footer };
}

/** One button per candidate of an open vote ("2 · 3 votes"); none once it has closed. */
export function voteButtons(story: Story, vote: Vote): Button[] {
  if (vote.status !== 'open') return [];
  const counts = tally(vote);
  return vote.candidates.map((_, i) => ({
    action: 'vote',
    label: `Vote ${i + 1} · ${counts[i]}`,
    customId: voteButtonId(story.id, vote.id, i + 1),
    style: 'primary',
  }));
}
