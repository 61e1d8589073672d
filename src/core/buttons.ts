/**
 * Button ids carry the action, the story id and its version, in at most 100
 * characters (Discord's limit): `sl:<action>:<storyId>:<version>`, and under a
 * posted line also that line's id, `…:<lineId>` (75 characters at most), a marker
 * an adapter can find again in a thread's history. A vote's buttons carry the
 * story, the vote and the candidate instead: `sl:vote:<storyId>:<voteId>:<n>` (63
 * characters). One global handler decodes them, so buttons keep working after a
 * restart.
 */
import { UserError } from '../stories/errors.ts';
import { STORY_ACTIONS } from '../stories/permissions.ts';
import type { Story } from '../stories/schema.ts';
import { childrenOf, headLine } from '../stories/tree.ts';
import type { Button, ButtonAction } from './types.ts';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const PATTERN = new RegExp(`^sl:(${STORY_ACTIONS.join('|')}):(${ULID}):(\\d{1,9})(?::(${ULID}))?$`);
const VOTE_PATTERN = new RegExp(`^sl:vote:(${ULID}):(${ULID}):([1-9])$`);

/** A decoded press of a story line's button. */
export interface StoryPress {
  action: Exclude<ButtonAction, 'vote'>;
  storyId: string;
  version: number;
  /** The line the button was posted under, when its id names one. */
  lineId: string | null;
}

/** A decoded press of a vote's button: a vote for candidate `choice`. */
export interface VotePress {
  action: 'vote';
  storyId: string;
  voteId: string;
  choice: number;
  lineId: null;
}

/** A decoded button press. */
export type ButtonPress = StoryPress | VotePress;

/** The custom id of a button (naming the line it is posted under, if given). */
export function buttonId(action: ButtonAction, storyId: string, version: number, lineId?: string): string {
  return `sl:${action}:${storyId}:${version}${lineId ? `:${lineId}` : ''}`;
}

/** The custom id of the button that votes for candidate `n` of a vote. */
export function voteButtonId(storyId: string, voteId: string, n: number): string {
  return `sl:vote:${storyId}:${voteId}:${n}`;
}

/** Decodes a button id; null for one that is not ours. */
export function readButtonId(customId: string): ButtonPress | null {
  const vote = VOTE_PATTERN.exec(customId);
  if (vote) return { action: 'vote', storyId: vote[1], voteId: vote[2], choice: Number(vote[3]), lineId: null };
  const match = PATTERN.exec(customId);
  if (!match) return null;
  return {
    action: match[1] as StoryPress['action'],
    storyId: match[2],
    version: Number(match[3]),
    lineId: match[4] ?? null,
  };
}

/** Decodes a button id, or throws a UserError for one that is not ours. */
export function parseButtonId(customId: string): ButtonPress {
  const press = readButtonId(customId);
  if (!press) throw new UserError('unknown_command', 'That button is not one of storyloom’s.');
  return press;
}

const LABELS: Record<StoryPress['action'], [string, Button['style']]> = {
  continue: ['Continue', 'primary'],
  retry: ['Retry', 'secondary'],
  undo: ['Undo', 'secondary'],
  end: ['End', 'danger'],
};

/**
 * The buttons for the newest line of the story's current branch (none once it has ended): Retry only under a model
 * line, no Undo under a line another branch goes on from (undo refuses to cut a branch off), and only End while a
 * vote is open. `lineId` names the line they are posted under.
 */
export function storyButtons(story: Story, lineId?: string): Button[] {
  if (story.status === 'ended') return [];
  const last = headLine(story);
  // While the channel votes on the next line, End is the one change core takes.
  const voting = story.vote?.status === 'open';
  const shown = (a: ButtonAction) =>
    (!voting || a === 'end') &&
    (a !== 'retry' || last.kind === 'model') &&
    (a !== 'undo' || childrenOf(story, last.id).length === 0);
  return STORY_ACTIONS.filter(shown).map((action) => ({
    action,
    label: LABELS[action][0],
    style: LABELS[action][1],
    customId: buttonId(action, story.id, story.version, lineId),
  }));
}
