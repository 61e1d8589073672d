/**
 * The words for a story's branches: what /branch and /switch answer (the line the
 * story now goes on from), what /branches lists, and what /export says it sent. Lines are
 * numbered along the current branch, the opening being line 1.
 */
import { count } from '../stories/plural.ts';
import type { Line, Story } from '../stories/schema.ts';
import { type Branch, branches, currentBranch } from '../stories/tree.ts';
import type { Person } from './types.ts';

/** How much of a line's start a list shows. */
const START_CHARS = 60;

/** The start of a line, cut at a word and marked with "…" when it goes on. */
export function lineStart(text: string, max = START_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.replace(/\s+\S*$/, '') || cut}…`;
}

/** Who wrote a line, as a reply names them: "the model" for the model's lines. */
export function writerOf(line: Line): string {
  return line.kind === 'model' ? 'the model' : line.by.name || line.by.id;
}

/** /branch's answer: who moved the story back, and the line (number `n`) it now goes on from, in full. */
export function branchedText(by: Person, n: number, line: Line): string {
  const where = n === 1 ? 'its opening (line 1)' : `line ${n}`;
  return [
    `↩️ ${by.name || by.id} moved the story back to ${where}, by ${writerOf(line)}:`,
    line.text,
    'New lines grow a new branch from here; the lines that came after it stay on theirs (see /branches).',
  ].join('\n');
}

/**
 * /switch's answer: who switched the story to branch `n` (as /branches numbered it), and the line it now goes on
 * from (that branch's last, its line number being the branch's length), in full.
 */
export function switchedText(by: Person, n: number, branch: Branch): string {
  const where = `it goes on from line ${branch.length}, by ${writerOf(branch.last)}`;
  return [
    `🔀 ${by.name || by.id} switched the story to branch ${n}; ${where}:`,
    branch.last.text,
    'New lines grow from here; the branch it left stays as it was (see /branches).',
  ].join('\n');
}

/**
 * /branches' answer: the branches numbered as /switch takes them, the current one (1) first, then each other one
 * with where it forks from the current one.
 */
export function branchesText(story: Story): string {
  const all = branches(story);
  const rows = all.map((b, i) => {
    const where = b.current ? '▶️ the current branch' : `forks from line ${b.forksAt}`;
    return `• ${i + 1}. ${where}: ${count(b.length, 'line')}, the last “${lineStart(b.last.text)}”`;
  });
  return [
    `This story has ${count(all.length, 'branch', 'branches')}:`,
    ...rows,
    ...(all.length > 1 ? ['To go on from the last line of another branch: /switch <branch> (its number here).'] : []),
    'To go on from an earlier line of the current branch: /branch <line> (the opening is line 1).',
  ].join('\n');
}

/** /export's answer: the title and size; for a story that branched, also what the tree file holds. */
export function exportText(story: Story): string {
  const size = count(currentBranch(story).length, 'line');
  const n = branches(story).length;
  if (n === 1) return `“${story.title}”, ${size}.`;
  return `“${story.title}”, ${size} on the current branch, and all ${n} branches in the .tree.json file.`;
}
