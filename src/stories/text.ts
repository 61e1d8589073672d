/**
 * A story as text: the prompt for its next line, and its Markdown export. Both
 * are the current branch (tree.ts); tree-file.ts exports every branch.
 */
import { count } from './plural.ts';
import type { Line, Story } from './schema.ts';
import { branches, currentBranch } from './tree.ts';

/** Once the prompt outgrows the budget, its start jumps so that it fills at most this share. */
const REFILL = 0.6;

/** The story's text from line `from` on: lines joined by a space. */
export function storyText(lines: readonly Line[], from = 0): string {
  return lines
    .slice(from)
    .map((l) => l.text)
    .join(' ');
}

/**
 * The prompt for the next line: the current branch, trimmed from the front to the
 * model's context budget. The start moves forward in jumps (to REFILL of the
 * budget), not a little each time, so a worker's story cache keeps hitting.
 * Returns the prompt and the (possibly advanced) first line to keep.
 */
export function promptFor(
  story: Story,
  budget: number,
  lines: readonly Line[] = currentBranch(story),
): { prompt: string; contextStart: number } {
  let start = Math.min(story.context_start, Math.max(0, lines.length - 1));
  if (storyText(lines, start).length > budget) {
    while (start < lines.length - 1 && storyText(lines, start).length > budget * REFILL) start++;
  }
  // A trailing space makes the model start a new word rather than finish the last one.
  const text = storyText(lines, start);
  let prompt = /\s$/.test(text) ? text : `${text} `;
  if (prompt.length > budget) prompt = prompt.slice(prompt.length - budget);
  return { prompt, contextStart: start };
}

/** Escapes what Markdown reads as markup: emphasis, code, links, HTML, tables, and block markers that start a line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>|~])/g, '\\$1')
    .replace(/^(\s*)([#>+-]|\d+\.)(?=\s)/gm, (_m, space: string, marker: string) => `${space}\\${marker}`);
}

function byline(l: Line): string {
  const who = l.by.name || l.by.id;
  if (l.kind === 'model') return `the model${l.model ? ` (${l.model})` : ''}, asked by ${who}${voteNote(l)}`;
  return l.kind === 'seed' ? `${who} (opening)` : who;
}

/** ", chosen by vote: candidate 2 of 3, 2 votes (Ann, Bo)" for a line that won a vote. */
function voteNote(l: Line): string {
  const vote = l.vote;
  if (!vote) return '';
  const names = vote.voters.map((p) => p.name || p.id);
  const votes = `${count(names.length, 'vote')}${names.length ? ` (${names.join(', ')})` : ''}`;
  const how = vote.closed_by === 'pick' ? `picked by ${vote.picked_by?.name ?? 'the owner'}` : 'chosen by vote';
  return `, ${how}: candidate ${vote.n} of ${vote.of}, ${votes}`;
}

/**
 * What a story's style is, in words, for /status in its thread: none asked for; asked for; or, once the model has
 * written, whether its newest line is in that style or the worker's model has none such.
 */
export function styleText(story: Story): string {
  const style = story.settings.style;
  if (!style) return 'This story asks for no particular style (any).';
  const newest = currentBranch(story)
    .filter((l) => l.kind === 'model' && l.style !== undefined)
    .at(-1);
  if (!newest) return `This story asks for the ${style} style.`;
  if (newest.style === style) return `This story is written in the ${style} style.`;
  const none = "the worker's model has no such style: its newest line was written in none";
  return `This story asks for the ${style} style, but ${none}.`;
}

/**
 * How much a story's current branch holds: "5 lines by 2 people and the model", "1 line by 1 person" (the model
 * once it wrote).
 */
export function storySize(story: Story): string {
  const lines = currentBranch(story);
  const people = new Set(lines.map((l) => l.by.id)).size;
  const model = lines.some((l) => l.kind === 'model') ? ' and the model' : '';
  return `${count(lines.length, 'line')} by ${count(people, 'person', 'people')}${model}`;
}

/** For a story that branched: which branch the export holds, and where the others are. */
function branchNote(story: Story): string[] {
  const n = branches(story).length;
  if (n === 1) return [];
  return [`*This is the current branch of ${n}; the story's .tree.json file holds every branch.*`, ''];
}

/** The story as Markdown: its current branch's text, then each of its lines with who wrote it and when. */
export function toMarkdown(story: Story): string {
  const lines = currentBranch(story);
  const people = [...new Set(lines.map((l) => l.by.name || l.by.id))];
  const model = lines.some((l) => l.kind === 'model') ? ', with the model' : '';
  const out = [
    `# ${escapeMarkdown(story.title)}`,
    '',
    `*A storyloom story started by ${escapeMarkdown(story.owner.name || story.owner.id)} ` +
      `on ${story.created_at.slice(0, 10)}; ` +
      `${count(lines.length, 'line')} by ${escapeMarkdown(people.join(', '))}${model}.` +
      `${story.settings.style ? ` In the ${story.settings.style} style.` : ''}` +
      `${story.status === 'ended' ? ' The end.' : ''}*`,
    '',
    ...branchNote(story),
    ...lines.flatMap((l) => [escapeMarkdown(l.text), '']),
    '## Who wrote what',
    '',
    ...lines.map((l, i) => {
      const when = `${l.at.replace('T', ' ').slice(0, 16)} UTC`;
      return `${i + 1}. ${escapeMarkdown(byline(l))}, ${when}: ${escapeMarkdown(l.text.replace(/\s+/g, ' '))}`;
    }),
    '',
  ];
  return out.join('\n');
}

/** A file to download: its name, its text, its type, and what it holds in a few words. */
export interface ExportFile {
  name: string;
  content: string;
  mime: string;
  about: string;
}

/** The start of a story's file names: its title in lower case, words joined by dashes. */
export function fileSlug(story: Story): string {
  return (
    story.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'story'
  );
}

/** The story as a Markdown file to download, named after its title. */
export function markdownFile(story: Story): ExportFile {
  const about = 'the story so far, with who wrote what.';
  return { name: `${fileSlug(story)}.md`, content: toMarkdown(story), mime: 'text/markdown', about };
}
