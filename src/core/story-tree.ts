/**
 * What a chat shows of a story's tree (src/stories/tree.ts), through core as the
 * layers want: the lines of its current branch, which people read and number, and
 * how many branches it has.
 */
import { branches, currentBranch } from '../stories/tree.ts';
import type { Line, Story } from './types.ts';

/** The lines of the story's current branch, from its opening to its head. */
export function branchLines(story: Story): Line[] {
  return currentBranch(story);
}

/** How many branches the story has (1 for a story that never branched). */
export function branchCount(story: Story): number {
  return branches(story).length;
}
