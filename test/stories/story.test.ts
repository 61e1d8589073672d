import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/stories/errors.ts';
import { Story as StorySchema } from '../../src/stories/schema.ts';
import type { Person } from '../../src/jobs/protocol.ts';
import type { Story } from '../../src/stories/schema.ts';
import {
  addHumanLine,
  applyResult,
  beginJob,
  clearJob,
  createStory,
  endStory,
  isStale,
  newJobId,
  retryTarget,
  undo,
} from '../../src/stories/story.ts';
import { escapeMarkdown, promptFor, toMarkdown } from '../../src/stories/text.ts';

/** A person, and whether they are an admin. */
type TestPerson = Person & { admin: boolean };

const ann: TestPerson = { id: 'ann', name: 'Ann', admin: false };
const bob: TestPerson = { id: 'bob', name: 'Bob', admin: false };
const root: TestPerson = { id: 'root', name: 'Root', admin: true };
const sampling = {
  temperature: 0.8,
  top_k: 0,
  top_p: 0.95,
  max_chars: 280,
  min_chars: 40,
  stop: 'sentence' as const,
  seed: 1,
};
const place = { platform: 'test' as const, channel: 'c', thread: null };

function withModelLine(story: Story, by: TestPerson, text = 'The model wrote this.'): Story {
  const jobId = newJobId();
  return applyResult(beginJob(story, jobId, 'continue', by), jobId, text, sampling, 'small').story;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as UserError).code;
  }
  return 'none';
}

describe('story model', () => {
  const seeded = createStory('Once upon a time.', ann, place, { temperature: 0.8, max_chars: 280 });

  it('is a valid story file', () => {
    expect(StorySchema.safeParse(seeded).success).toBe(true);
    expect(seeded.lines[0]).toMatchObject({ kind: 'seed', text: 'Once upon a time.', by: { id: 'ann' } });
  });

  it('counts text changes in its version, not bookkeeping', () => {
    const jobId = newJobId();
    const begun = beginJob(seeded, jobId, 'continue', ann);
    expect(begun.version).toBe(0);
    const { story, line } = applyResult(begun, jobId, 'Next.', sampling, 'small');
    expect(story.version).toBe(1);
    expect(line).toMatchObject({
      kind: 'model',
      job_id: jobId,
      sampling,
      model: 'small',
      by: { id: 'ann' },
      delivered: false,
    });
    expect(addHumanLine(story, 'Mine.', bob).version).toBe(2);
  });

  it('allows one job in flight per story', () => {
    const begun = beginJob(seeded, newJobId(), 'continue', ann);
    expect(code(() => beginJob(begun, newJobId(), 'continue', bob))).toBe('busy');
  });

  it('knows a result is stale when the story changed while it was written', () => {
    const jobId = newJobId();
    const begun = beginJob(seeded, jobId, 'continue', ann);
    expect(isStale(begun)).toBe(false);
    expect(isStale(addHumanLine(begun, 'Interrupting.', bob))).toBe(true);
    expect(clearJob(begun, jobId).pending).toBeNull();
  });

  it('retry replaces the last model line, in place', () => {
    const story = withModelLine(seeded, bob);
    const target = retryTarget(story, bob, bob.admin);
    const jobId = newJobId();
    const { story: after } = applyResult(
      beginJob(story, jobId, 'retry', bob, target.id),
      jobId,
      'Better.',
      sampling,
      'small',
    );
    expect(after.lines.map((l) => l.text)).toEqual(['Once upon a time.', 'Better.']);
  });

  it('retry needs a model line last, and the right person', () => {
    expect(code(() => retryTarget(seeded, ann, ann.admin))).toBe('nothing_to_retry');
    const story = withModelLine(seeded, bob);
    expect(code(() => retryTarget(story, { id: 'eve', name: 'Eve' }, false))).toBe('forbidden');
    expect(retryTarget(story, bob, bob.admin).kind).toBe('model');
    expect(retryTarget(story, ann, ann.admin).kind).toBe('model');
    expect(retryTarget(story, root, root.admin).kind).toBe('model');
  });

  it('undo: the line’s author, the owner or an admin; never the seed', () => {
    expect(code(() => undo(seeded, ann, ann.admin))).toBe('nothing_to_undo');
    const story = addHumanLine(seeded, 'Bob was here.', bob);
    expect(code(() => undo(story, { id: 'eve', name: 'Eve' }, false))).toBe('forbidden');
    expect(undo(story, bob, bob.admin).removed.text).toBe('Bob was here.');
    expect(undo(story, ann, ann.admin).story.lines).toHaveLength(1);
    expect(undo(story, root, root.admin).story.version).toBe(story.version + 1);
  });

  it('end: the owner or an admin; an ended story takes nothing more', () => {
    expect(code(() => endStory(seeded, bob, bob.admin))).toBe('forbidden');
    const ended = endStory(seeded, root, root.admin);
    expect(ended.status).toBe('ended');
    expect(code(() => addHumanLine(ended, 'More?', ann))).toBe('story_ended');
    expect(code(() => beginJob(ended, newJobId(), 'continue', ann))).toBe('story_ended');
  });
});

describe('refusals name who may, the way a person would', () => {
  const cy: TestPerson = { id: 'cy', name: 'Cy', admin: false };
  const seeded = createStory('Once upon a time.', ann, place, { temperature: 0.8, max_chars: 280 });
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect((error as UserError).code).toBe('forbidden');
      return (error as UserError).message;
    }
    throw new Error('not refused');
  };

  it('the line’s author is the story’s owner: named once', () => {
    expect(message(() => undo(addHumanLine(seeded, 'Ann again.', ann), cy, cy.admin))).toBe(
      'Only Ann (who wrote that line and started this story) or an admin can undo it.',
    );
    expect(message(() => retryTarget(withModelLine(seeded, ann), cy, cy.admin))).toBe(
      'Only Ann (who asked for that line and started this story) or an admin can retry it.',
    );
  });

  it('the line’s author is someone else: both named, each with why', () => {
    expect(message(() => undo(addHumanLine(seeded, 'Bob was here.', bob), cy, cy.admin))).toBe(
      'Only Bob (who wrote that line), Ann (who started this story) or an admin can undo it.',
    );
    expect(message(() => retryTarget(withModelLine(seeded, bob), cy, cy.admin))).toBe(
      'Only Bob (who asked for that line), Ann (who started this story) or an admin can retry it.',
    );
  });

  it('the one refused wrote lines too, but did not start the story; names are missing', () => {
    expect(message(() => endStory(addHumanLine(seeded, 'Bob was here.', bob), bob, bob.admin))).toBe(
      'Only Ann (who started this story) or an admin can end it.',
    );
    const nameless = createStory('Once.', { id: 'x', name: '' }, place, { temperature: 0.8, max_chars: 280 });
    expect(message(() => undo(addHumanLine(nameless, 'Mine.', { id: 'y', name: '' }), cy, cy.admin))).toBe(
      'Only whoever wrote that line, whoever started this story or an admin can undo it.',
    );
    expect(message(() => endStory(nameless, cy, cy.admin))).toBe(
      'Only whoever started this story or an admin can end it.',
    );
  });

  it('an ended story says how to get it whole', () => {
    const ended = endStory(seeded, ann, ann.admin);
    expect(() => addHumanLine(ended, 'More?', bob)).toThrow(
      'This story has ended. Use /export for the whole story, or start a new one with /story.',
    );
  });
});

describe('prompt', () => {
  it('is the whole story with a trailing space while it fits', () => {
    const story = addHumanLine(createStory('One.', ann, place, { temperature: 0.8, max_chars: 280 }), 'Two.', bob);
    expect(promptFor(story, 100)).toEqual({ prompt: 'One. Two. ', contextStart: 0 });
  });

  it('drops lines from the front in jumps, so the start stays put for a while', () => {
    let story = createStory('Seed line here.', ann, place, { temperature: 0.8, max_chars: 280 });
    for (let i = 0; i < 20; i++) story = addHumanLine(story, `Line number ${i} is here.`, bob);
    const first = promptFor(story, 200);
    expect(first.prompt.length).toBeLessThanOrEqual(200);
    expect(first.prompt.length).toBeLessThanOrEqual(0.6 * 200 + 30);
    story = { ...addHumanLine(story, 'One more line.', bob), context_start: first.contextStart };
    expect(promptFor(story, 200).contextStart).toBe(first.contextStart);
  });

  it('keeps the tail of a single line longer than the budget, trailing space included, within the budget', () => {
    const story = createStory(`${'x'.repeat(500)} end.`, ann, place, { temperature: 0.8, max_chars: 280 });
    const { prompt } = promptFor(story, 100);
    expect(prompt.length).toBe(100);
    expect(prompt.endsWith('end. ')).toBe(true);
  });
});

describe('export', () => {
  it('escapes what Markdown would read as markup, and credits everyone', () => {
    expect(escapeMarkdown('**bold** [link](x) <b> # not a heading')).toBe(
      '\\*\\*bold\\*\\* \\[link\\](x) \\<b\\> # not a heading',
    );
    expect(escapeMarkdown('# heading\n- item')).toBe('\\# heading\n\\- item');
    const story = withModelLine(
      addHumanLine(createStory('It began.', ann, place, { temperature: 0.8, max_chars: 280 }), 'Bob *wrote*.', bob),
      bob,
    );
    const md = toMarkdown(story);
    expect(md).toContain('# It began.');
    expect(md).toContain('Bob \\*wrote\\*.');
    expect(md).toMatch(/1\. Ann \(opening\), .* UTC: It began\./);
    expect(md).toMatch(/3\. the model \(small\), asked by Bob/);
  });
});
