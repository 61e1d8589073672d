/**
 * A vote as users run it: `npm start` on the local mailbox with the playground and the embedded worker writes
 * three candidate lines in one job; a vote opens and takes ballots through the HTTP API; the process is stopped
 * (SIGTERM) with the vote open and started again on the same data folder: the same vote resumes with its ballots
 * and closes at its window, once. Then a second vote is left open across a stop longer than its window: the
 * returning bot closes it at once, once. The story file is read from the mailbox, as the bot keeps it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Story } from '../../src/stories/schema.ts';
import { npmStart, stopCleanly } from './helpers/bot-run.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { killAllRuns } from './helpers/process-run.ts';

afterAll(() => {
  killAllRuns();
  removeDataDirs();
});

/** The shortest window the configuration takes. */
const WINDOW_S = 5;

function storyFile(dataDir: string, id: string): Story {
  return JSON.parse(readFileSync(join(dataDir, 'mailbox', 'stories', `${id}.json`), 'utf8')) as Story;
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start: a vote across restarts', () => {
  it('resumes a vote open at a stop, and closes once one whose window ran out while the bot was down', async () => {
    const env = botEnv({ STORYLOOM_WORKER_ID: 'embedded-process-votes', STORYLOOM_VOTE_WINDOW_S: `${WINDOW_S}` });
    const dataDir = env.STORYLOOM_DATA_DIR;
    const first = npmStart('npm start (vote)', env);
    let playground = new PlaygroundClient(await first.playgroundUrl());
    const id = await playground.startStory('Ann', 'The lighthouse keeper --length 40 --candidates 3');
    const opened = await until(() => storyFile(dataDir, id).vote ?? undefined, 'the vote to open');
    expect(opened.status).toBe('open');
    expect(opened.candidates).toHaveLength(3);
    // The candidates differ: each has its own seed.
    expect(new Set(opened.candidates.map((c) => c.seed)).size).toBe(3);
    await playground.press('Bob', `sl:vote:${id}:${opened.id}:2`);
    await stopCleanly(first, { signal: 'SIGTERM', target: 'process' });
    // Stopped within its window: the vote is still open in the file.
    expect(storyFile(dataDir, id).vote).toMatchObject({ id: opened.id, status: 'open' });

    const second = npmStart('npm start (vote, again)', env);
    playground = new PlaygroundClient(await second.playgroundUrl());
    const resumed = storyFile(dataDir, id).vote!;
    if (resumed.status === 'open') await playground.press('Cat', `sl:vote:${id}:${opened.id}:2`);
    const closed = await until(() => {
      const vote = storyFile(dataDir, id).vote!;
      return vote.status === 'closed' && vote.shown ? vote : undefined;
    }, 'the resumed vote to close');
    expect(closed).toMatchObject({ id: opened.id, winner: 2 });
    expect(['window', 'everyone']).toContain(closed.closed_by);
    const story = storyFile(dataDir, id);
    const winners = story.lines.filter((l) => l.vote?.vote_id === opened.id && l.vote.won);
    expect(winners).toHaveLength(1);
    expect(winners[0].id).toBe(story.head);
    expect(story.lines.filter((l) => l.vote?.vote_id === opened.id)).toHaveLength(3);

    // A second vote, left open across a stop longer than its window.
    await playground.command('Ann', '/continue 2', id);
    const next = await until(() => {
      const vote = storyFile(dataDir, id).vote!;
      return vote.id !== opened.id ? vote : undefined;
    }, 'the second vote to open');
    await stopCleanly(second, { signal: 'SIGTERM', target: 'process' });
    await new Promise((r) => setTimeout(r, Date.parse(next.closes_at) - Date.now() + 200));

    const third = npmStart('npm start (vote, after its window)', env);
    playground = new PlaygroundClient(await third.playgroundUrl());
    const late = await until(
      () => {
        const vote = storyFile(dataDir, id).vote!;
        return vote.status === 'closed' && vote.shown ? vote : undefined;
      },
      'the overdue vote to close',
      30_000,
    );
    expect(late).toMatchObject({ id: next.id, closed_by: 'window', winner: 1 });
    const after = storyFile(dataDir, id);
    expect(after.lines.filter((l) => l.vote?.vote_id === next.id && l.vote.won)).toHaveLength(1);
    expect(after.lines.filter((l) => l.vote?.vote_id === next.id)).toHaveLength(2);
    // The winner is posted (marked delivered) and the bot answers, before it is stopped.
    await until(() => (storyFile(dataDir, id).lines.every((l) => l.delivered) ? true : undefined), 'the winner posted');
    expect((await playground.health()).ok).toBe(true);
    await stopCleanly(third, { signal: 'SIGTERM', target: 'process' });
  }, 240_000);
});
