/**
 * `npm start` as a user runs it, on the local mailbox with the playground and the
 * embedded worker: a story gets its line through the HTTP API (in the style it asks for,
 * on a styled model), and the bot stops cleanly both on SIGTERM to npm's pid (`kill`,
 * Docker, a process manager) and on SIGINT to the whole process group (Ctrl-C in a terminal).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Story } from '../../src/stories/schema.ts';
import { writeStyledModel } from '../helpers/models.ts';
import { npmStart, stopCleanly } from './helpers/bot-run.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { killAllRuns } from './helpers/process-run.ts';

afterAll(() => {
  killAllRuns();
  removeDataDirs();
});

describe('npm start: the playground on the local mailbox', () => {
  it('serves a story and its Continue, then stops on SIGTERM to npm with exit 0', async () => {
    const bot = npmStart('npm start (playground)', botEnv({ STORYLOOM_WORKER_ID: 'embedded-process-pg' }));
    const playground = new PlaygroundClient(await bot.playgroundUrl());
    expect(await bot.startupLine()).toMatch(/mailbox local, chat playground, local worker auto/);

    const id = await playground.startStory('Ann', 'The old house --length 40');
    const first = await playground.waitForLines(id, 2, 60_000);
    expect(first.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Ann' } });
    expect(bot.embeddedWorkers()).toHaveLength(1);
    await playground.press('Bob', first.buttons.find((b) => b.action === 'continue')!.customId);
    const second = await playground.waitForLines(id, 3, 60_000);
    expect(second.lines[2]).toMatchObject({ kind: 'model', author: { name: 'Bob' } });
    expect((await playground.health()).worker).toMatchObject({ online: true, id: 'embedded-process-pg' });

    await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
    await expect(fetch(`${playground.url}/healthz`)).rejects.toThrow();
  }, 150_000);

  it('writes a story in the style it asks for, the embedded worker (its own process) on a styled model', async () => {
    const model = writeStyledModel(mkdtempSync(join(tmpdir(), 'storyloom-process-styled-')), {
      styles: ['any', 'austen'],
    });
    const env = botEnv({ STORYLOOM_WORKER_ID: 'embedded-process-styled', STORYLOOM_MODEL: model });
    const bot = npmStart('npm start (styled)', env);
    const playground = new PlaygroundClient(await bot.playgroundUrl());
    const id = await playground.startStory('Ann', 'The old house --length 40 --style austen');
    await playground.waitForLines(id, 2, 60_000);
    const file = join(env.STORYLOOM_DATA_DIR, 'mailbox', 'stories', `${id}.json`);
    const story = JSON.parse(readFileSync(file, 'utf8')) as Story;
    expect(story.settings.style).toBe('austen');
    expect(story.lines[1]).toMatchObject({ kind: 'model', style: 'austen', model: 'styled' });
    await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  }, 150_000);

  it('stops on Ctrl-C (SIGINT to the process group) with exit 0', async () => {
    const bot = npmStart('npm start (Ctrl-C)', botEnv({ STORYLOOM_WORKER_ID: 'embedded-process-ctrlc' }));
    const playground = new PlaygroundClient(await bot.playgroundUrl());
    const id = await playground.startStory('Cy', 'A quiet street --length 40');
    await playground.waitForLines(id, 2, 60_000);
    expect(bot.embeddedWorkers()).toHaveLength(1);
    await stopCleanly(bot, { signal: 'SIGINT', target: 'group' });
  }, 150_000);
});
