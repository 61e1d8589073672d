/**
 * The words for "you may not": who may retry, undo, branch, switch or end instead, named the way
 * a person would say it. Buttons look the same to everyone on Discord and Slack,
 * so these refusals are what most people meet; the story's owner and the newest
 * line's author are often one person, and a name may be missing.
 */
import { UserError } from './errors.ts';
import type { Line, Story } from './schema.ts';

const STARTED = 'started this story';

/** "Ann (who started this story)", or "whoever started this story" for a person without a name. */
function who(name: string, did: string): string {
  return name ? `${name} (who ${did})` : `whoever ${did}`;
}

/** "Ann (who started this story)". */
function whoStarted(story: Story): string {
  return who(story.owner.name, STARTED);
}

/** "A or an admin", "A, B or an admin". */
function orAnAdmin(people: string[]): string {
  return `${people.join(', ')} or an admin`;
}

/** The refusal of a retry or undo of `line` (the story's newest) by someone who is neither its author nor the owner. */
export function lineRefusal(story: Story, line: Line, verb: 'retry' | 'undo'): UserError {
  // A model line's `by` is whoever asked for it.
  const did = line.kind === 'model' ? 'asked for that line' : 'wrote that line';
  const people =
    line.by.id === story.owner.id
      ? [who(story.owner.name, `${did} and ${STARTED}`)]
      : [who(line.by.name, did), who(story.owner.name, STARTED)];
  return new UserError('forbidden', `Only ${orAnAdmin(people)} can ${verb} it.`);
}

/** The refusal of an end by someone who is not the story's owner. */
export function endRefusal(story: Story): UserError {
  return new UserError('forbidden', `Only ${orAnAdmin([whoStarted(story)])} can end it.`);
}

/** The refusal of a /branch by someone who is not the story's owner. */
export function branchRefusal(story: Story): UserError {
  return new UserError('forbidden', `Only ${orAnAdmin([whoStarted(story)])} can move it back to an earlier line.`);
}

/** The refusal of a /switch by someone who is not the story's owner. */
export function switchRefusal(story: Story): UserError {
  return new UserError('forbidden', `Only ${orAnAdmin([whoStarted(story)])} can switch it to another branch.`);
}
