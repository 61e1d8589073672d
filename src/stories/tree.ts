/**
 * A story as a tree, read: the current branch (the path from the opening to the
 * head), a line's children, and the branches (each leaf line ends one). Pure
 * functions over a story; story.ts changes the tree, text.ts writes it out.
 * Users number lines along the current branch, from 1 for the opening.
 */
import type { Story, TreeLine } from './schema.ts';

/** The lines from the opening to `lineId` (the opening first); empty when the story has no such line. */
export function pathTo(story: Story, lineId: string): TreeLine[] {
  const byId = new Map(story.lines.map((l) => [l.id, l]));
  const path: TreeLine[] = [];
  // Parents come before their children in `lines` (the schema checks it), so this walk ends.
  for (let line = byId.get(lineId); line; line = line.parent === null ? undefined : byId.get(line.parent)) {
    path.push(line);
  }
  return path.reverse();
}

/** The current branch: the lines from the opening to the head, the story as people read it. */
export function currentBranch(story: Story): TreeLine[] {
  return pathTo(story, story.head);
}

/** The newest line of the current branch: the line new lines grow from. */
export function headLine(story: Story): TreeLine {
  return story.lines.find((l) => l.id === story.head) ?? story.lines[story.lines.length - 1];
}

/** The lines that follow `lineId` directly, oldest first. */
export function childrenOf(story: Story, lineId: string): TreeLine[] {
  return story.lines.filter((l) => l.parent === lineId);
}

/** The current branch's line numbered `n` (1 is the opening), if there is one. */
export function lineNumbered(story: Story, n: number): TreeLine | undefined {
  return Number.isInteger(n) && n >= 1 ? currentBranch(story)[n - 1] : undefined;
}

/** One branch of a story: the path from the opening to a leaf line (or to the head, for the current branch). */
export interface Branch {
  /** Its last line. */
  last: TreeLine;
  /** How many lines it has, the opening included. */
  length: number;
  /** Whether it is the current branch. */
  current: boolean;
  /** The number (on the current branch) of the last line it shares with the current branch; null for that one. */
  forksAt: number | null;
}

/**
 * The story's branches: the current one first, then one per leaf line that is not the head, oldest first. The
 * current branch ends at the head even when lines grow past it (the story was moved back to an earlier line and
 * has not gone on yet): those lines end other branches.
 */
export function branches(story: Story): Branch[] {
  const current = currentBranch(story);
  const numberOn = new Map(current.map((l, i) => [l.id, i + 1]));
  const parents = new Set(story.lines.map((l) => l.parent));
  const out: Branch[] = [{ last: headLine(story), length: current.length, current: true, forksAt: null }];
  for (const leaf of story.lines.filter((l) => !parents.has(l.id) && l.id !== story.head)) {
    const path = pathTo(story, leaf.id);
    const shared = path.filter((l) => numberOn.has(l.id)).length;
    out.push({ last: leaf, length: path.length, current: false, forksAt: shared });
  }
  return out;
}
