/**
 * A story is a tree (src/stories/tree.ts and the tree changes in story.ts): a flat story file from before loads as
 * one branch; /branch moves the head back and /switch to another branch's last line, without deleting; new lines
 * grow a new branch; undo never cuts a branch off; a retry replaces its line on the current branch only; the
 * export's JSON holds every branch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storyButtons } from '../../src/core/buttons.ts';
import type { Person } from '../../src/jobs/protocol.ts';
import type { UserError } from '../../src/stories/errors.ts';
import { mayPress, whoMayPress } from '../../src/stories/permissions.ts';
import type { Story } from '../../src/stories/schema.ts';
import { parseStory } from '../../src/stories/store.ts';
import {
  addHumanLine,
  applyResult,
  beginJob,
  branchFrom,
  createStory,
  endStory,
  newJobId,
  retryTarget,
  switchTo,
  undo,
} from '../../src/stories/story.ts';
import { promptFor, toMarkdown } from '../../src/stories/text.ts';
import { treeDocument, treeFile } from '../../src/stories/tree-file.ts';
import { branches, childrenOf, currentBranch, headLine, lineNumbered, pathTo } from '../../src/stories/tree.ts';

type TestPerson = Person & { admin: boolean };
const ann: TestPerson = { id: 'ann', name: 'Ann', admin: false };
const bob: TestPerson = { id: 'bob', name: 'Bob', admin: false };
const root: TestPerson = { id: 'root', name: 'Root', admin: true };
const SAMPLING = {
  temperature: 0.8,
  top_k: 0,
  top_p: 0.95,
  max_chars: 280,
  min_chars: 40,
  stop: 'sentence' as const,
  seed: 1,
};
const place = { platform: 'test' as const, channel: 'c', thread: null };
const FLAT = readFileSync(join(import.meta.dirname, 'flat-story.json'), 'utf8');

function loaded(text: string): Story {
  const story = parseStory(text);
  if (typeof story === 'string') throw new Error(story);
  return story;
}

function modelLine(story: Story, by: TestPerson, text: string, replaces: string | null = null): Story {
  const jobId = newJobId();
  const begun = beginJob(story, jobId, replaces ? 'retry' : 'continue', by, replaces);
  return applyResult(begun, jobId, text, SAMPLING, 'small').story;
}

/** Ann's story of four lines: the opening, two model lines and Bob's line. */
function fourLines(): Story {
  let story = createStory('One.', ann, place, { temperature: 0.8, max_chars: 280 });
  story = modelLine(story, ann, 'Two.');
  story = modelLine(story, ann, 'Three.');
  return addHumanLine(story, 'Four.', bob);
}

const texts = (lines: readonly { text: string }[]) => lines.map((l) => l.text);

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    return { code: (error as UserError).code, message: (error as Error).message };
  }
  throw new Error('not refused');
}

describe('a story file saved before stories branched', () => {
  it('loads as a tree with one branch: each line follows the line before it, and the head is the last', () => {
    const story = loaded(FLAT);
    expect(JSON.parse(FLAT).head).toBeUndefined();
    const ids = story.lines.map((l) => l.id);
    expect(story.lines.map((l) => l.parent)).toEqual([null, ...ids.slice(0, -1)]);
    expect(story.head).toBe(ids.at(-1));
    expect(currentBranch(story)).toEqual(story.lines);
    expect(branches(story)).toEqual([{ last: story.lines[3], length: 4, current: true, forksAt: null }]);
  });

  it('works as before: its prompt, Markdown, undo, retry and buttons are those of its lines in order', () => {
    const story = loaded(FLAT);
    expect(promptFor(story, 1000).prompt).toBe(`${texts(story.lines).join(' ')} `);
    const markdown = toMarkdown(story);
    expect(markdown).toContain('4 lines by Ann, Bob, with the model.');
    expect(markdown).toContain(
      '4. the model (small), asked by Bob, 2025-03-01 10:03 UTC: One of them was not on the list.',
    );
    expect(markdown).not.toContain('branch');
    expect(retryTarget(story, bob, false).id).toBe(story.lines[3].id);
    const { story: undone, removed } = undo(story, bob, false);
    expect(removed.id).toBe(story.lines[3].id);
    expect(undone.lines).toEqual(story.lines.slice(0, 3));
    expect(undone.head).toBe(story.lines[2].id);
    expect(storyButtons(story).map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
  });

  it('is saved as a tree once it changes, and loads back the same', () => {
    const grown = addHumanLine(loaded(FLAT), 'Five.', ann);
    const again = loaded(JSON.stringify(grown));
    expect(again).toEqual(grown);
    expect(again.lines[4]).toMatchObject({ text: 'Five.', parent: grown.lines[3].id });
    expect(again.head).toBe(grown.lines[4].id);
  });

  it.each([
    ['a parent that is no earlier line', (d: StoryDoc) => (d.lines[1].parent = d.lines[3].id), /lines\.1\.parent/],
    ['a second opening', (d: StoryDoc) => (d.lines[2].parent = null), /only the first line/],
    ['a first line with a parent', (d: StoryDoc) => (d.lines[0].parent = d.lines[1].id), /lines\.0\.parent/],
    ['a head that is no line', (d: StoryDoc) => (d.head = '01JN8JC080ESR0C340JCYS6BWM'), /head/],
    ['two lines with one id', (d: StoryDoc) => (d.lines[2].id = d.lines[1].id), /two lines have this id/],
  ])('refuses a tree that does not hold together: %s', (_name, spoil, why) => {
    const doc = JSON.parse(FLAT) as StoryDoc;
    spoil(doc);
    expect(parseStory(JSON.stringify(doc))).toMatch(why);
  });
});

type StoryDoc = { head?: string; lines: { id: string; parent?: string | null }[] };

describe('/branch: the story goes on from an earlier line', () => {
  it('moves the head to line n of the current branch; nothing is deleted; the version goes up', () => {
    const story = fourLines();
    const { story: moved, line } = branchFrom(story, 2, ann, false);
    expect(line.text).toBe('Two.');
    expect(moved.head).toBe(story.lines[1].id);
    expect(moved.lines).toEqual(story.lines);
    expect(moved.version).toBe(story.version + 1);
    expect(texts(currentBranch(moved))).toEqual(['One.', 'Two.']);
    expect(promptFor(moved, 1000).prompt).toBe('One. Two. ');
  });

  it('new lines grow a new branch from there; the old lines stay on theirs', () => {
    const moved = branchFrom(fourLines(), 2, ann, false).story;
    const grown = modelLine(moved, bob, 'Three, again.');
    const added = headLine(grown);
    expect(added.parent).toBe(moved.head);
    expect(texts(currentBranch(grown))).toEqual(['One.', 'Two.', 'Three, again.']);
    expect(texts(pathTo(grown, grown.lines[3].id))).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
    expect(texts(childrenOf(grown, moved.head))).toEqual(['Three.', 'Three, again.']);
    expect(lineNumbered(grown, 3)?.text).toBe('Three, again.');
    expect(branches(grown)).toEqual([
      { last: added, length: 3, current: true, forksAt: null },
      { last: grown.lines[3], length: 4, current: false, forksAt: 2 },
    ]);
    const twice = addHumanLine(branchFrom(grown, 1, root, true).story, 'Another start.', ann);
    expect(branches(twice).map((b) => [b.current, b.length, b.forksAt])).toEqual([
      [true, 2, null],
      [false, 4, 1],
      [false, 3, 1],
    ]);
  });

  it('lists the current branch first even before it goes on, and the lines past it as another branch', () => {
    const moved = branchFrom(fourLines(), 3, ann, false).story;
    expect(branches(moved).map((b) => [b.last.text, b.length, b.current, b.forksAt])).toEqual([
      ['Three.', 3, true, null],
      ['Four.', 4, false, 3],
    ]);
  });

  it('keeps the prompt’s first line when it is still on the branch, else starts the prompt over', () => {
    const story = { ...fourLines(), context_start: 2 };
    expect(branchFrom(story, 3, ann, false).story.context_start).toBe(2);
    expect(branchFrom(story, 2, ann, false).story.context_start).toBe(0);
  });

  it('is for the story’s owner or an admin, as permissions.ts says; others are told who may', () => {
    const story = fourLines();
    expect(whoMayPress(story, 'branch')).toEqual({ anyone: false, admins: true, ids: ['ann'] });
    for (const person of [ann, bob, root]) {
      const allowed = mayPress(story, 'branch', person, person.admin);
      if (allowed) expect(branchFrom(story, 2, person, person.admin).story.head).toBe(story.lines[1].id);
      else expect(refusal(() => branchFrom(story, 2, person, person.admin)).code).toBe('forbidden');
    }
    expect(refusal(() => branchFrom(story, 2, bob, false)).message).toBe(
      'Only Ann (who started this story) or an admin can move it back to an earlier line.',
    );
  });

  it.each([
    ['a line that does not exist', (s: Story) => branchFrom(s, 5, ann, false), 'bad_option', /no line 5.*1 to 4/],
    ['line 0', (s: Story) => branchFrom(s, 0, ann, false), 'bad_option', /no line 0/],
    ['the newest line', (s: Story) => branchFrom(s, 4, ann, false), 'bad_option', /already.*1 to 3/],
    [
      'a line being written',
      (s: Story) => branchFrom(beginJob(s, newJobId(), 'continue', bob), 2, ann, false),
      'busy',
      /being written/,
    ],
    ['an ended story', (s: Story) => branchFrom(endStory(s, ann, false), 2, ann, false), 'story_ended', /has ended/],
  ])('refuses %s', (_name, act, code, message) => {
    const story = fourLines();
    const refused = refusal(() => act(story));
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });

  it('says a story of only its opening has only line 1', () => {
    const story = createStory('Alone.', ann, place, { temperature: 0.8, max_chars: 280 });
    expect(refusal(() => branchFrom(story, 2, ann, false)).message).toBe(
      'There is no line 2: the story has only its opening, line 1. /branches lists its branches.',
    );
    expect(refusal(() => branchFrom(story, 1, ann, false)).message).toBe(
      'Line 1 is the newest line already: new lines grow from it.',
    );
  });
});

describe('/switch: the story goes on from the last line of another branch', () => {
  /** fourLines moved back to line 2 and grown there: branch 1 is One. Two. Again., branch 2 ends in Four. */
  const forked = () => addHumanLine(branchFrom(fourLines(), 2, ann, false).story, 'Again.', bob);

  it('moves the head to branch n’s last line; nothing is deleted; the version goes up; back again', () => {
    const story = forked();
    const { story: switched, branch } = switchTo(story, 2, ann, false);
    expect(branch).toEqual(branches(story)[1]);
    expect(switched.head).toBe(story.lines[3].id);
    expect(switched.lines).toEqual(story.lines);
    expect(switched.version).toBe(story.version + 1);
    expect(texts(currentBranch(switched))).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
    expect(branches(switched).map((b) => [b.last.text, b.current, b.forksAt])).toEqual([
      ['Four.', true, null],
      ['Again.', false, 2],
    ]);
    const grown = addHumanLine(switched, 'Five.', ann);
    expect(headLine(grown).parent).toBe(story.lines[3].id);
    const back = switchTo(grown, 2, root, true).story;
    expect(texts(currentBranch(back))).toEqual(['One.', 'Two.', 'Again.']);
    expect(back.lines).toEqual(grown.lines);
  });

  it('keeps the prompt’s first line when the branches share it, else starts the prompt over', () => {
    const story = forked();
    expect(switchTo({ ...story, context_start: 1 }, 2, ann, false).story.context_start).toBe(1);
    expect(switchTo({ ...story, context_start: 2 }, 2, ann, false).story.context_start).toBe(0);
  });

  it.each([
    ['someone else', (s: Story) => switchTo(s, 2, bob, false), 'forbidden', /^Only Ann .* switch it to another/],
    ['a branch that does not exist', (s: Story) => switchTo(s, 3, ann, false), 'bad_option', /no branch 3.*1 to 2/],
    ['branch 0', (s: Story) => switchTo(s, 0, ann, false), 'bad_option', /no branch 0/],
    ['the current branch', (s: Story) => switchTo(s, 1, ann, false), 'bad_option', /current branch already/],
    [
      'a line being written',
      (s: Story) => switchTo(beginJob(s, newJobId(), 'continue', bob), 2, ann, false),
      'busy',
      /being written/,
    ],
    ['an ended story', (s: Story) => switchTo(endStory(s, ann, false), 2, ann, false), 'story_ended', /has ended/],
  ])('refuses %s', (_name, act, code, message) => {
    const refused = refusal(() => act(forked()));
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });
});

describe('undo and retry on a tree', () => {
  it('undo refuses a line another branch goes on from, and says to use /branch; no Undo button shows there', () => {
    const moved = branchFrom(fourLines(), 3, ann, false).story;
    const refused = refusal(() => undo(moved, ann, false));
    expect(refused).toEqual({
      code: 'has_branches',
      message:
        'Another branch goes on from line 3, so undo would cut it off. ' +
        'Use /branch 2 instead to go on from the line before it: nothing is deleted.',
    });
    expect(storyButtons(moved).map((b) => b.action)).toEqual(['continue', 'retry', 'end']);
  });

  it('undo removes a newest line that nothing grows from, and its parent becomes the head', () => {
    const moved = branchFrom(fourLines(), 2, ann, false).story;
    const grown = addHumanLine(moved, 'A new way.', bob);
    const { story: undone, removed } = undo(grown, bob, false);
    expect(removed.text).toBe('A new way.');
    expect(undone.head).toBe(moved.head);
    expect(undone.lines).toEqual(moved.lines);
  });

  it('retry replaces the newest line in place when no other branch needs it', () => {
    const story = fourLines();
    const moved = branchFrom(story, 3, ann, false).story;
    const grown = modelLine(undo(addHumanLine(moved, 'x', ann), ann, false).story, ann, 'Five.');
    const retried = modelLine(grown, ann, 'Five, again.', retryTarget(grown, ann, false).id);
    expect(retried.lines.map((l) => l.text)).toEqual(['One.', 'Two.', 'Three.', 'Four.', 'Five, again.']);
    expect(headLine(retried).parent).toBe(story.lines[2].id);
  });

  it('retry at a fork keeps the old line for the branch that goes on from it', () => {
    const story = fourLines();
    const moved = branchFrom(story, 3, ann, false).story;
    const retried = modelLine(moved, ann, 'Three, again.', retryTarget(moved, ann, false).id);
    expect(texts(currentBranch(retried))).toEqual(['One.', 'Two.', 'Three, again.']);
    expect(texts(pathTo(retried, story.lines[3].id))).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
    expect(retried.lines.map((l) => l.text)).toEqual(['One.', 'Two.', 'Three.', 'Three, again.', 'Four.']);
    expect(loaded(JSON.stringify(retried))).toEqual(retried);
  });

  it('a retry that goes stale under a new line replaces its line, and the new line follows the replacement', () => {
    let story = createStory('One.', ann, place, { temperature: 0.8, max_chars: 280 });
    story = modelLine(story, ann, 'Two.');
    const jobId = newJobId();
    const target = retryTarget(story, ann, false).id;
    story = addHumanLine(beginJob(story, jobId, 'retry', ann, target), 'Three, while waiting.', bob);
    const after = applyResult(story, jobId, 'Two, again.', SAMPLING, 'small').story;
    expect(texts(after.lines)).toEqual(['One.', 'Two, again.', 'Three, while waiting.']);
    expect(texts(currentBranch(after))).toEqual(['One.', 'Two, again.', 'Three, while waiting.']);
    expect(after.head).toBe(after.lines[2].id);
    expect(branches(after)).toHaveLength(1);
  });
});

describe('the export of a tree', () => {
  it('writes every line of every branch as JSON, with the head and the current branch', () => {
    const story = fourLines();
    const grown = modelLine(branchFrom(story, 2, ann, false).story, bob, 'Three, again.');
    const file = treeFile(grown);
    expect(file).toMatchObject({ name: 'one.tree.json', mime: 'application/json' });
    const doc = JSON.parse(file.content) as ReturnType<typeof treeDocument>;
    expect(doc).toEqual(JSON.parse(JSON.stringify(treeDocument(grown))));
    expect(doc).toMatchObject({ type: 'storyloom_story_tree', v: 1, id: grown.id, head: grown.head, branches: 2 });
    expect(doc.current_branch).toEqual(currentBranch(grown).map((l) => l.id));
    expect(doc.lines).toHaveLength(5);
    expect(doc.lines[4]).toEqual({
      id: grown.head,
      parent: story.lines[1].id,
      kind: 'model',
      text: 'Three, again.',
      author: { id: 'bob', name: 'Bob' },
      model: 'small',
      sampling: SAMPLING,
      at: headLine(grown).at,
      vote: null,
      style: null,
      on_current_branch: true,
    });
    expect(doc.lines.map((l) => l.on_current_branch)).toEqual([true, true, false, false, true]);
  });

  it('the Markdown holds the current branch only, and says there are more', () => {
    const grown = addHumanLine(branchFrom(fourLines(), 2, ann, false).story, 'Three, again.', bob);
    const markdown = toMarkdown(grown);
    expect(markdown).toContain('3 lines by Ann, Bob, with the model.');
    expect(markdown).toContain("This is the current branch of 2; the story's .tree.json file holds every branch.");
    expect(markdown).toContain('3. Bob, ');
    expect(markdown).not.toContain('Four.');
  });
});
