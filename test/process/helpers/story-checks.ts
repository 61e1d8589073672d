/** Checks that a batch of `/story` jobs was answered exactly once, in the stories and in the live feed. */
import { expect } from 'vitest';
import type { PlaygroundClient, StoryView } from './playground-client.ts';
import type { PlaygroundFeed } from './playground-feed.ts';

/** Reads the stories `ids`, `at once` of them at a time. */
async function readStories(playground: PlaygroundClient, ids: string[], atOnce = 10): Promise<StoryView[]> {
  const stories: StoryView[] = [];
  for (let i = 0; i < ids.length; i += atOnce) {
    stories.push(...(await Promise.all(ids.slice(i, i + atOnce).map((id) => playground.story(id)))));
  }
  return stories;
}

/**
 * Checks each story started by `/story` (`ids`) holds its seed and exactly one
 * model line, waits for nothing, and that the feed posted that line once: one
 * `line` event per story, its job's and line's ids those the story holds.
 */
export async function expectJobsAnswered(playground: PlaygroundClient, feed: PlaygroundFeed, ids: string[]) {
  expect(new Set(ids).size, 'distinct stories').toBe(ids.length);
  const posted = new Map<string, PlaygroundFeed['lines'][number][]>();
  for (const line of feed.lines) posted.set(line.storyId, [...(posted.get(line.storyId) ?? []), line]);
  expect([...posted.keys()].sort(), 'stories with a posted line').toEqual([...ids].sort());
  for (const story of await readStories(playground, ids)) {
    const summary = { id: story.id, kinds: story.lines.map((l) => l.kind), pending: story.pending ?? null };
    expect(summary).toEqual({ id: story.id, kinds: [story.lines[0].kind, 'model'], pending: null });
    expect(story.lines[0].kind).not.toBe('model');
    const model = story.lines[1];
    const lines = posted.get(story.id)!;
    expect(lines, `lines posted to story ${story.id}`).toHaveLength(1);
    expect(lines[0]).toMatchObject({ jobId: model.jobId, lineId: model.id, kind: 'model' });
  }
  const jobs = feed.lines.map((l) => l.jobId);
  expect(new Set(jobs).size, 'distinct jobs posted').toBe(jobs.length);
}
