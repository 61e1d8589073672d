/**
 * Branches in the playground, in a real browser (Debian's Chromium through playwright-core): the story's owner
 * sees a "branch here" on each earlier line (others do not), presses it on line 2, goes on from there, lists the
 * branches, and /export downloads the Markdown and the tree's JSON. Screenshots go to test-artifacts/playground/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestWorker } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';
import { browserWorld, buttons, lines, say, SHOTS } from './browser-world.ts';

const branchHere = (page: Page) => page.locator('[data-testid=lines] li button[data-action=branch]');
const status = (page: Page) => page.getByTestId('thread-status').textContent();
const notices = (page: Page) => page.getByTestId('thread-notices').textContent();
const press = (page: Page, action: string) =>
  page.getByTestId('buttons').locator(`button[data-action=${action}]`).click();

describe('the playground in a browser: branches', () => {
  const w = browserWorld();

  it('branch here on line 2, Continue from there, /branches, and /export with the tree', async () => {
    w.worker = await startTestWorker(w.pg.config, await tinyModel());
    const ann = await w.as('Ann');
    await say(ann, 'channel', '/story The lighthouse keeper counted the ships. --length 40');
    await expect.poll(() => lines(ann).count(), { timeout: 30_000 }).toBe(2);
    for (const n of [3, 4]) {
      await expect.poll(() => buttons(ann)).toContain('Continue');
      await press(ann, 'continue');
      await expect.poll(() => lines(ann).count(), { timeout: 30_000 }).toBe(n);
    }
    await expect.poll(() => status(ann)).toBe('4 lines');
    const second = (await lines(ann).nth(1).textContent())!;

    // Ann started the story: each earlier line has a "branch here"; Bob sees none. Its words stay out of the text.
    const bob = await w.as('Bob');
    await bob.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => lines(bob).count()).toBe(4);
    expect(await branchHere(bob).count()).toBe(0);
    await expect.poll(() => branchHere(ann).count()).toBe(3);
    expect(await branchHere(ann).evaluateAll((b) => b.map((x) => (x as HTMLElement).dataset.line))).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(await branchHere(ann).nth(1).getAttribute('aria-label')).toBe('Branch here: go on from line 2');
    expect(second).not.toContain('branch');
    await ann.screenshot({ path: join(SHOTS, 'branch-1-four-lines.png') });

    await branchHere(ann).nth(1).click();
    await expect.poll(() => notices(ann)).toContain('Ann moved the story back to line 2');
    await expect.poll(() => lines(ann).count()).toBe(2);
    expect(await lines(ann).nth(1).textContent()).toBe(second);
    await expect.poll(() => status(ann)).toBe('2 lines · 2 branches');
    await expect.poll(() => status(bob)).toBe('2 lines · 2 branches');
    await expect.poll(() => buttons(ann)).toEqual(['Continue', 'Retry', 'End']);
    expect(await branchHere(ann).count()).toBe(1);

    await press(bob, 'continue');
    await expect.poll(() => lines(ann).count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => status(ann)).toBe('3 lines · 2 branches');
    const story = w.pg.bot.stories.all()[0];
    expect(story.lines.find((l) => l.id === story.head)!.parent).toBe(story.lines[1].id);

    await say(ann, 'thread', '/branches');
    await expect.poll(() => notices(ann)).toContain('This story has 2 branches:');
    expect(await notices(ann)).toContain('• 2. forks from line 2: 4 lines, the last “');
    await ann.screenshot({ path: join(SHOTS, 'branch-2-branches.png') });

    const downloads: Download[] = [];
    ann.on('download', (d) => downloads.push(d));
    await say(ann, 'thread', '/export');
    await expect.poll(() => downloads.length).toBe(2);
    expect(downloads.map((d) => d.suggestedFilename())).toEqual([
      'the-lighthouse-keeper-counted-the-ships.md',
      'the-lighthouse-keeper-counted-the-ships.tree.json',
    ]);
    const tree = JSON.parse(readFileSync((await downloads[1].path())!, 'utf8')) as { head: string; lines: unknown[] };
    expect(tree.head).toBe(story.head);
    expect(tree.lines).toHaveLength(5);
  }, 120_000);
});
