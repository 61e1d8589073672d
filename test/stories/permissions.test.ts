/**
 * The button rules in src/stories/permissions.ts agree exactly with the checks the story
 * model enforces (src/stories/story.ts): for every kind of newest line and every kind
 * of person, "may press" is true exactly when the change is not refused as forbidden.
 */
import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/jobs/protocol.ts';
import { mayPress, whoMayPress, type StoryAction } from '../../src/stories/permissions.ts';
import type { Story } from '../../src/stories/schema.ts';
import {
  addHumanLine,
  applyResult,
  beginJob,
  createStory,
  endStory,
  newJobId,
  retryTarget,
  undo,
} from '../../src/stories/story.ts';

const SAMPLING = {
  temperature: 0.8,
  top_k: 0,
  top_p: 0.95,
  max_chars: 200,
  min_chars: 40,
  stop: 'sentence' as const,
  seed: 1,
};
/** A person, and whether they are an admin. */
type TestPerson = Person & { admin: boolean };

const ann: TestPerson = { id: 'u-ann', name: 'Ann', admin: false };
const bob: TestPerson = { id: 'u-bob', name: 'Bob', admin: false };
const cy: TestPerson = { id: 'u-cy', name: 'Cy', admin: false };
const root: TestPerson = { id: 'u-root', name: 'Root', admin: true };

function modelLine(story: Story, by: TestPerson): Story {
  const jobId = newJobId();
  return applyResult(beginJob(story, jobId, 'continue', by), jobId, 'The model wrote this.', SAMPLING, 'tiny').story;
}

const place = { platform: 'test' as const, channel: 'c', thread: null };
const seeded = createStory('The ferry left at dawn.', ann, place, { temperature: 0.8, max_chars: 200 });
const STORIES: Record<string, Story> = {
  'the owner’s own line last': addHumanLine(seeded, 'Ann writes.', ann),
  'Bob’s line last': addHumanLine(seeded, 'Bob writes.', bob),
  'a model line Bob asked for last': modelLine(seeded, bob),
  'a model line the owner asked for last': modelLine(seeded, ann),
};

/** What the story model says: true when it does not refuse the change as forbidden. */
function storyAllows(story: Story, action: StoryAction, person: TestPerson): boolean {
  try {
    if (action === 'undo') undo(story, person, person.admin);
    else if (action === 'retry') retryTarget(story, person, person.admin);
    else if (action === 'end') endStory(story, person, person.admin);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'forbidden') return false;
    // Refused for another reason (not a model line to retry): not about who may.
    return true;
  }
}

describe('who may press which button', () => {
  for (const [name, story] of Object.entries(STORIES)) {
    for (const action of ['continue', 'retry', 'undo', 'end'] as const) {
      it(`${action}, with ${name}: as the story model says, for the owner, the author, a stranger, an admin`, () => {
        for (const person of [ann, bob, cy, root]) {
          if (action === 'retry' && story.lines.at(-1)!.kind !== 'model') continue;
          const allowed = storyAllows(story, action, person);
          expect(mayPress(story, action, person, person.admin), `${person.name}`).toBe(allowed);
        }
      });
    }
  }

  it('lists the people by id, the owner once', () => {
    const retry = whoMayPress(STORIES['a model line Bob asked for last'], 'retry');
    expect(retry).toEqual({ anyone: false, admins: true, ids: ['u-ann', 'u-bob'] });
    const undoOwn = whoMayPress(STORIES['the owner’s own line last'], 'undo');
    expect(undoOwn).toEqual({ anyone: false, admins: true, ids: ['u-ann'] });
    expect(whoMayPress(STORIES['Bob’s line last'], 'end')).toEqual({ anyone: false, admins: true, ids: ['u-ann'] });
    expect(whoMayPress(STORIES['Bob’s line last'], 'continue')).toMatchObject({ anyone: true });
  });
});
