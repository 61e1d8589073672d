/**
 * What the playground page shows, in a real browser (Debian's Chromium through
 * playwright-core): the header's colour per worker state, the newest line of a long
 * story in full view above its buttons, long titles cut at a word with "…", the line
 * counter on one line, the box limits read from the server, and a server that hangs
 * without closing anything. Screenshots go to test-artifacts/playground/.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { writeHeartbeat } from '../../helpers/playground.ts';
import { box, browserWorld, dotColour, header, lines, say, SHOTS } from './browser-world.ts';

const OPENING =
  'On the last evening of the fishing season the lighthouse keeper counted the boats coming home ' +
  'through the fog, one by one, and wrote each name in the log.';

/** The newest line's box and the lines' visible box: the newest line must lie inside it. */
async function newestLineInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const list = document.querySelector('[data-testid=lines]')!.getBoundingClientRect();
    const last = document.querySelector('[data-testid=lines] li:last-child')!.getBoundingClientRect();
    const buttons = document.querySelector('[data-testid=buttons]')!.getBoundingClientRect();
    return last.top >= list.top - 1 && last.bottom <= list.bottom + 1 && last.bottom <= buttons.top + 1;
  });
}

describe('the playground page: display', () => {
  const w = browserWorld({}, { aliveMs: 500, healthCheckMs: 200 });

  async function post(user: string, text: string, thread?: string): Promise<CommandResult> {
    const body = JSON.stringify({ user, text, ...(thread ? { thread } : {}) });
    const headers = { 'content-type': 'application/json' };
    return (await fetch(`${w.pg.url}/api/command`, { method: 'POST', headers, body })).json();
  }

  it('the header’s dot has a colour per worker state', async () => {
    const ann = await w.as('Ann');
    const states: [string, string, RegExp][] = [
      ['running', 'rgb(46, 125, 50)', /^hand-written · running$/],
      ['paused', 'rgb(199, 119, 0)', /^hand-written · paused$/],
      ['draining', 'rgb(21, 101, 192)', /^hand-written · draining$/],
    ];
    for (const [state, colour, text] of states) {
      writeHeartbeat(w.pg.config, { worker_id: 'hand-written', state: state as 'running', interval_s: 30 });
      await expect.poll(() => header(ann)).toMatch(text);
      expect(await dotColour(ann), state).toBe(colour);
    }
    rmSync(join(w.pg.config.STORYLOOM_DATA_DIR, 'mailbox/workers/hand-written.json'));
    await expect.poll(() => header(ann), { timeout: 10_000 }).toBe('no worker online');
    expect(await dotColour(ann)).toBe('rgb(179, 38, 30)');
  });

  it('shows a worker whose heartbeat lands while the page is still opening its event stream', async () => {
    const page = await (await w.browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    // The stream is held back: what changes meanwhile, the page can only learn once it is connected.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/events', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${w.pg.url}/?user=Cy`);
    await expect.poll(() => header(page)).toBe('no worker online');
    writeHeartbeat(w.pg.config, { worker_id: 'late-comer', state: 'running', interval_s: 30 });
    // The server sees it within its 1 s scan and tells the streams open then, none of them this page's.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await header(page)).toBe('no worker online');
    release();
    await expect.poll(() => header(page)).toMatch(/^late-comer · running$/);
    rmSync(join(w.pg.config.STORYLOOM_DATA_DIR, 'mailbox/workers/late-comer.json'));
    await page.context().close();
  });

  it('a long story keeps its newest line in view; a long title ends at a word, with "…"', async () => {
    w.worker = await startTestWorker(w.pg.config, SMALL_MODEL);
    const started = await post('Ann', `/story ${OPENING} --length 60`);
    const storyId = started.storyId as string;
    await expect.poll(() => w.pg.bot.stories.get(storyId).pending, { timeout: 60_000 }).toBeNull();
    for (let i = 1; i <= 30; i++) {
      await post(i % 2 ? 'Ann' : 'Bob', `Line ${i}: the fog rolled in over the harbour wall.`, storyId);
    }

    const ann = await w.as('Ann', { width: 1000, height: 600 });
    await ann.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => lines(ann).count()).toBe(32);
    expect(await newestLineInView(ann)).toBe(true);
    // Continue: the buttons go while the line is written and come back with it.
    await ann.getByTestId('buttons').locator('button[data-action=continue]').click();
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(33);
    await expect.poll(() => ann.getByTestId('buttons').locator('button').count()).toBe(4);
    await expect.poll(() => newestLineInView(ann)).toBe(true);
    // A notice takes room from the lines: the newest stays in view.
    await say(ann, 'thread', '!!!');
    await expect.poll(() => ann.getByTestId('thread-notices').textContent()).toMatch(/at least one letter/);
    await expect.poll(() => newestLineInView(ann)).toBe(true);

    // The title (the opening's first 100 characters) ends at a whole word, with "…", in the thread and the list.
    const title = w.pg.bot.stories.get(storyId).title;
    expect(title).toBe(OPENING.slice(0, 100));
    const shown = 'On the last evening of the fishing season the lighthouse keeper counted the boats coming home…';
    expect(await ann.getByTestId('thread-title').textContent()).toBe(shown);
    expect(await ann.locator(`[data-story-id="${storyId}"] .title`).textContent()).toBe(shown);
    // The line counter stays on one line next to it, even on a narrow screen.
    expect(await ann.getByTestId('thread-status').evaluate((node) => node.getClientRects().length)).toBe(1);
    await ann.setViewportSize({ width: 700, height: 600 });
    const head = await ann.evaluate(() => {
      const status = document.querySelector('[data-testid=thread-status]')!.getBoundingClientRect();
      const title = document.querySelector<HTMLElement>('[data-testid=thread-title]')!;
      const box = title.getBoundingClientRect();
      return {
        statusHeight: status.height,
        statusRight: status.right,
        titleHeight: box.height,
        width: innerWidth,
        titleCut: title.scrollWidth > title.clientWidth && getComputedStyle(title).textOverflow === 'ellipsis',
      };
    });
    // One line each; the counter inside the window; the title cut by the page with "…" where it does not fit.
    expect(head.statusHeight).toBeLessThan(20);
    expect(head.titleHeight).toBeLessThan(30);
    expect(head.statusRight).toBeLessThanOrEqual(head.width);
    expect(head.titleCut).toBe(true);
    expect(await ann.getByTestId('thread-status').textContent()).toBe('33 lines');
    await ann.screenshot({ path: join(SHOTS, 'display-long-story.png') });
  }, 180_000);

  it('the boxes take their limits from the server', async () => {
    const page = await w.browser.newPage();
    await page.route('**/api/commands', async (route) => {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, limits: { opening: 50, line: 20 } } });
    });
    await page.goto(`${w.pg.url}/?user=Dee`);
    await expect.poll(() => page.getByTestId('me').textContent()).toBe('Dee');
    await box(page, 'channel').fill(`/story ${'b'.repeat(60)} --length 60`);
    await expect.poll(() => page.getByTestId('channel-counter').textContent()).toBe('60 / 50: 10 too many');
    await box(page, 'channel').fill(`/story ${'b'.repeat(45)}`);
    expect(await page.getByTestId('channel-counter').textContent()).toBe('45 / 50');
    await box(page, 'channel').fill(`/story ${'b'.repeat(30)}`);
    expect(await page.getByTestId('channel-counter').isHidden()).toBe(true);
  });

  it('a server that hangs, closing nothing: the page notices the silence, then recovers', async () => {
    const ann = await w.as('Ann');
    await expect.poll(() => header(ann)).toMatch(/^embedded-test · running|^no worker online$/);
    const before = (await header(ann))!.replace(/ · \d+ chars\/s$/, '');
    const events = w.pg.playground.events as unknown as { ping(): void; send(): void };
    const { ping, send } = events;
    // The stream stays open but says nothing, and new streams get no answer.
    events.ping = () => undefined;
    events.send = () => undefined;
    await ann.route('**/api/events', () => undefined);
    await expect.poll(() => header(ann), { timeout: 10_000 }).toBe('server stopped: reconnecting…');
    Object.assign(events, { ping, send });
    await ann.unroute('**/api/events');
    await expect.poll(async () => (await header(ann))!.startsWith(before), { timeout: 15_000 }).toBe(true);
  }, 60_000);
});
