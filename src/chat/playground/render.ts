/**
 * Role: how storyloom looks on the platform (on Discord and Slack, render.ts too).
 * In the playground that is what its API returns, as JSON: stories (their current
 * branch's lines), and replies (the page draws them).
 */
import { storyButtons } from '../../core/buttons.ts';
import type { Line, Reply, Story } from '../../core/types.ts';
import { branchCount, branchLines } from '../../core/story-tree.ts';
import { whoMayPress } from '../../stories/permissions.ts';

/** A line as the API shows it. */
export function lineView(l: Line) {
  const by = l.kind === 'model' ? 'storyloom' : l.by.name || l.by.id;
  return { id: l.id, kind: l.kind, text: l.text, by, author: l.by, at: l.at, jobId: l.job_id, model: l.model };
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
 */
export function storyView(s: Story) {
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
    buttons: storyButtons(s).map((b) => ({ ...b, who: whoMayPress(s, b.action) })),
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
