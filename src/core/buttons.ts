/**
 * Button ids carry the action, the story id and its version, in at most 100
 * characters (Discord's limit): `sl:<action>:<storyId>:<version>`. One global
 * handler decodes them, so buttons keep working after a restart.
 */
import type { Story } from '../stories/schema.ts';
import { UserError } from './errors.ts';
import type { Button, ButtonAction } from './types.ts';

const ACTIONS: readonly ButtonAction[] = ['continue', 'retry', 'undo', 'end'];
const PATTERN = /^sl:(continue|retry|undo|end):([0-9A-HJKMNP-TV-Z]{26}):(\d{1,9})$/;

/** A decoded button press. */
export interface ButtonPress {
  action: ButtonAction;
  storyId: string;
  version: number;
}

/** The custom id of a button. */
export function buttonId(action: ButtonAction, storyId: string, version: number): string {
  return `sl:${action}:${storyId}:${version}`;
}

/** Decodes a button id, or throws a UserError for one that is not ours. */
export function parseButtonId(customId: string): ButtonPress {
  const match = PATTERN.exec(customId);
  if (!match) throw new UserError('unknown_command', 'That button is not one of storyloom’s.');
  return { action: match[1] as ButtonAction, storyId: match[2], version: Number(match[3]) };
}

const LABELS: Record<ButtonAction, [string, Button['style']]> = {
  continue: ['Continue', 'primary'], retry: ['Retry', 'secondary'], undo: ['Undo', 'secondary'], end: ['End', 'danger'],
};

/** The buttons for the story's newest line (none once it has ended). */
export function storyButtons(story: Story): Button[] {
  if (story.status === 'ended') return [];
  const last = story.lines[story.lines.length - 1];
  return ACTIONS.filter((a) => a !== 'retry' || last?.kind === 'model').map((action) => ({
    action, label: LABELS[action][0], style: LABELS[action][1], customId: buttonId(action, story.id, story.version),
  }));
}
