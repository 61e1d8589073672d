/**
 * The whole story as JSON, for /export beside the Markdown of its current branch:
 * every line of every branch with its parent, kind, author (for a model line, who
 * asked for it; `model` names the model), sampling and time; the head; and the
 * current branch, in order. Lines come oldest first, each after its parent, so a
 * reader can rebuild the tree in one pass. A line that was a candidate of a vote
 * carries that vote: its number, who voted for it, whether it won and how the
 * vote closed; the losing candidates are the branches a vote left.
 */
import type { Story } from './schema.ts';
import { fileSlug, type ExportFile } from './text.ts';
import { branches, currentBranch } from './tree.ts';

/** The story's tree as a JSON document (what {@link treeFile} writes). */
export function treeDocument(story: Story) {
  const current = currentBranch(story).map((l) => l.id);
  const onBranch = new Set(current);
  return {
    type: 'storyloom_story_tree',
    v: 1,
    id: story.id,
    title: story.title,
    owner: story.owner,
    status: story.status,
    created_at: story.created_at,
    updated_at: story.updated_at,
    head: story.head,
    style: story.settings.style ?? 'any',
    current_branch: current,
    branches: branches(story).length,
    lines: story.lines.map((l) => ({
      id: l.id,
      parent: l.parent,
      kind: l.kind,
      text: l.text,
      author: l.by,
      model: l.model,
      sampling: l.sampling,
      at: l.at,
      vote: l.vote ?? null,
      style: l.style ?? null,
      on_current_branch: onBranch.has(l.id),
    })),
  };
}

/** The story's tree as a JSON file to download, named after its title like the Markdown. */
export function treeFile(story: Story): ExportFile {
  const content = `${JSON.stringify(treeDocument(story), null, 2)}\n`;
  const about = 'every line of every branch, as JSON.';
  return { name: `${fileSlug(story)}.tree.json`, content, mime: 'application/json', about };
}
