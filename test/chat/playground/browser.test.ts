/**
 * The newcomer's path through the playground, in a real browser (Debian's Chromium
 * through playwright-core): a name, /story, Continue at once, a line of your own, a
 * second person, End, export, and the server stopped and started. At each step the
 * test asserts what the page shows. Screenshots go to test-artifacts/playground/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import { UserError } from '../../../src/stories/errors.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { box, browserWorld, buttons, dotColour, header, lines, say, SHOTS } from './browser-world.ts';

const UNREACHABLE =
  'Can’t reach the storyloom server: it may have stopped. ' +
  'This page reconnects by itself when it is back; what you typed is kept.';
const GREEN = 'rgb(46, 125, 50)';
const AMBER = 'rgb(199, 119, 0)';

const notices = (page: Page, where: 'channel' | 'thread') => page.getByTestId(`${where}-notices`).textContent();
const press = (page: Page, action: string) =>
  page.getByTestId('buttons').locator(`button[data-action=${action}]`).click();
const progress = (page: Page) => page.getByTestId('progress');
const sendButton = (page: Page, where: 'channel' | 'thread') =>
  page.getByTestId(`${where}-composer`).locator('button[type=submit]');

describe('a newcomer in the playground', () => {
  // The default fair-use limit (a cooldown of 3 s): a newcomer who presses Continue at once is not refused.
  const w = browserWorld({ STORYLOOM_COOLDOWN_S: '3' }, { aliveMs: 1_000, healthCheckMs: 200 });

  async function api(user: string, text: string, thread?: string): Promise<CommandResult> {
    const body = JSON.stringify({ user, text, ...(thread ? { thread } : {}) });
    const headers = { 'content-type': 'application/json' };
    return (await fetch(`${w.pg.url}/api/command`, { method: 'POST', headers, body })).json();
  }

  it('name, /story, Continue at once, a line of your own, a second person, End and export', async () => {
    w.worker = await startTestWorker(w.pg.config, SMALL_MODEL);
    const context = await w.browser.newContext({ viewport: { width: 1200, height: 800 }, acceptDownloads: true });
    const ann = await context.newPage();
    const missing: string[] = [];
    ann.on('response', (r) => r.status() === 404 && missing.push(new URL(r.url()).pathname));

    // A name: the page asks for one.
    await ann.goto(w.pg.url);
    await expect.poll(() => ann.getByTestId('name-dialog').isVisible()).toBe(true);
    await ann.getByTestId('name-dialog').locator('input').fill('Ann');
    await ann.getByTestId('name-dialog').locator('button[type=submit]').click();
    await expect.poll(() => ann.getByTestId('me').textContent()).toBe('Ann');
    // The worker is up and green; it has measured no speed yet, so the header shows none (not "0 chars/s").
    await expect.poll(() => header(ann)).toBe('embedded-test · running · small');
    expect(await dotColour(ann)).toBe(GREEN);
    expect(await ann.evaluate(() => fetch('/favicon.ico').then((r) => r.status))).toBe(200);

    // /story: the thread opens, the box empties once the server took it, and the line arrives.
    await say(ann, 'channel', '/story The lighthouse keeper climbed the stairs.');
    const title = () => ann.getByTestId('thread-title').textContent();
    await expect.poll(title).toBe('The lighthouse keeper climbed the stairs.');
    expect(await box(ann, 'channel').inputValue()).toBe('');
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => header(ann)).toMatch(/^embedded-test · running · small · \d+ chars\/s$/);

    // Continue at once: it is taken.
    expect(await buttons(ann)).toEqual(['Continue', 'Retry', 'Undo', 'End']);
    await press(ann, 'continue');
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(3);
    expect(await notices(ann, 'thread')).not.toMatch(/Slow down/);

    // A limit that clears with time: the button counts down, disabled, and comes back (core's refusal, injected).
    const core = w.pg.bot.core;
    const continueLine = core.continue;
    core.continue = async () => {
      throw Object.assign(new UserError('cooldown', 'Slow down a little: try again in 3 s.'), { retryAfterMs: 2_500 });
    };
    await press(ann, 'continue');
    const cont = ann.getByTestId('buttons').locator('button[data-action=continue]');
    await expect.poll(() => cont.textContent()).toMatch(/^Continue · [1-3] s$/);
    expect(await cont.isDisabled()).toBe(true);
    expect(await notices(ann, 'thread')).toMatch(/Slow down a little: try again in 3 s\./);
    await ann.screenshot({ path: join(SHOTS, 'newcomer-1-countdown.png') });
    await expect.poll(() => cont.textContent(), { timeout: 6_000 }).toBe('Continue');
    expect(await cont.isDisabled()).toBe(false);
    // Typed, the same refusal counts down on Send, and the command stays in the box.
    await say(ann, 'thread', '/continue');
    await expect.poll(() => sendButton(ann, 'thread').textContent()).toMatch(/^Send · [1-3] s$/);
    expect(await box(ann, 'thread').inputValue()).toBe('/continue');
    core.continue = continueLine;
    await expect.poll(() => sendButton(ann, 'thread').textContent(), { timeout: 6_000 }).toBe('Send');
    await box(ann, 'thread').fill('');

    // A line of your own. One over the server's limit is held back, with a counter, and kept.
    const tooLong = 'word '.repeat(235).trim();
    await box(ann, 'thread').fill(tooLong);
    await expect.poll(() => ann.getByTestId('thread-counter').textContent()).toBe('1174 / 1000: 174 too many');
    expect(await sendButton(ann, 'thread').isDisabled()).toBe(true);
    await box(ann, 'thread').press('Enter');
    expect(await box(ann, 'thread').inputValue()).toBe(tooLong);
    expect(await lines(ann).count()).toBe(3);
    await box(ann, 'thread').fill('x'.repeat(900));
    expect(await ann.getByTestId('thread-counter').textContent()).toBe('900 / 1000');
    expect(await sendButton(ann, 'thread').isDisabled()).toBe(false);
    // A line the server refuses stays in the box, with the server's sentence.
    await say(ann, 'thread', '!!! ???');
    await expect.poll(() => notices(ann, 'thread')).toMatch(/needs at least one letter or digit/);
    expect(await box(ann, 'thread').inputValue()).toBe('!!! ???');
    await say(ann, 'thread', 'Ann writes a line of her own.');
    await expect.poll(() => lines(ann).count()).toBe(4);
    expect(await box(ann, 'thread').inputValue()).toBe('');
    expect(await ann.getByTestId('thread-counter').isHidden()).toBe(true);
    // A pasted 5,000-character opening is kept whole, and the counter says by how much it is over.
    await box(ann, 'channel').focus();
    await ann.keyboard.insertText(`/story ${'a'.repeat(5_000)}`);
    expect((await box(ann, 'channel').inputValue()).length).toBe(5_007);
    await expect.poll(() => ann.getByTestId('channel-counter').textContent()).toBe('5000 / 1000: 4000 too many');
    await box(ann, 'channel').fill('');

    // A second person sees only the buttons they may use: Continue on Ann's line in Ann's story.
    const bob = await w.as('Bob');
    await bob.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => lines(bob).count()).toBe(4);
    expect(await buttons(bob)).toEqual(['Continue']);
    expect(await buttons(ann)).toEqual(['Continue', 'Undo', 'End']);
    await press(bob, 'continue');
    await expect.poll(() => lines(bob).count(), { timeout: 60_000 }).toBe(5);
    // Bob asked for the newest line: he may retry or undo it, still not end the story.
    await expect.poll(() => buttons(bob)).toEqual(['Continue', 'Retry', 'Undo']);
    await expect.poll(() => buttons(ann)).toEqual(['Continue', 'Retry', 'Undo', 'End']);
    await ann.screenshot({ path: join(SHOTS, 'newcomer-2-together.png') });

    // End: both see it ended, with an Export button; the composer stays for /export.
    await press(ann, 'end');
    await expect.poll(() => ann.getByTestId('thread-status').textContent()).toBe('ended');
    await expect.poll(() => bob.getByTestId('thread-status').textContent()).toBe('ended');
    expect(await buttons(ann)).toEqual(['Export']);
    expect(await buttons(bob)).toEqual(['Export']);
    const placeholder = await box(bob, 'thread').getAttribute('placeholder');
    expect(placeholder).toBe('This story has ended: press Export, or type /export');

    // Export: the button, and /export typed in the ended thread, each download the story.
    const download = bob.waitForEvent('download');
    await press(bob, 'export');
    const file = await download;
    expect(file.suggestedFilename()).toBe('the-lighthouse-keeper-climbed-the-stairs.md');
    expect(readFileSync((await file.path())!, 'utf8')).toMatch(/Ann writes a line of her own\./);
    const typed = ann.waitForEvent('download');
    await say(ann, 'thread', '/export');
    expect((await typed).suggestedFilename()).toBe('the-lighthouse-keeper-climbed-the-stairs.md');
    await ann.screenshot({ path: join(SHOTS, 'newcomer-3-ended.png') });
    expect(missing).toEqual([]);
  }, 240_000);

  it('the server stopped and started: the page says so, greys out old progress, recovers, catches up', async () => {
    const ann = await w.as('Ann');
    // A paused worker (amber), so a new story waits in line while the server stops.
    expect((await api('Root', '/admin pause')).reply.text).toMatch(/pause confirmed/);
    await expect.poll(() => header(ann)).toMatch(/^embedded-test · paused · small/);
    expect(await dotColour(ann)).toBe(AMBER);
    await say(ann, 'channel', '/story The second tale.');
    await expect.poll(() => progress(ann).textContent()).toMatch(/paused/);
    const storyId = w.pg.bot.stories.all().find((s) => s.title === 'The second tale.')!.id;

    await w.stopServer();
    await expect.poll(() => header(ann), { timeout: 10_000 }).toBe('server stopped: reconnecting…');
    expect(await progress(ann).getAttribute('class')).toMatch(/\bstale\b/);
    await say(ann, 'thread', 'A line while the server is away.');
    await expect.poll(() => notices(ann, 'thread')).toMatch(UNREACHABLE);
    expect(await box(ann, 'thread').inputValue()).toBe('A line while the server is away.');
    await ann.screenshot({ path: join(SHOTS, 'newcomer-4-server-stopped.png') });

    // Started again; the page may not reconnect until we let it, so what happens meanwhile is caught up.
    await ann.route('**/api/events', (route) => route.abort());
    await w.startServer();
    expect((await api('Eve', 'Eve writes while Ann’s page is away.', storyId)).reply.text).toBe('Added your line.');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await header(ann)).toBe('server stopped: reconnecting…');
    await ann.unroute('**/api/events');
    await expect.poll(() => header(ann), { timeout: 15_000 }).toMatch(/^embedded-test · paused · small/);
    await expect.poll(() => lines(ann).allTextContents()).toContain('EveEve writes while Ann’s page is away.');
    expect(await progress(ann).getAttribute('class')).not.toMatch(/\bstale\b/);

    // The kept line goes in now; the worker resumes and the waiting line arrives.
    await box(ann, 'thread').press('Enter');
    await expect.poll(() => lines(ann).allTextContents()).toContain('AnnA line while the server is away.');
    expect(await box(ann, 'thread').inputValue()).toBe('');
    expect((await api('Root', '/admin resume')).reply.text).toMatch(/resume confirmed/);
    await expect.poll(() => progress(ann).isHidden(), { timeout: 60_000 }).toBe(true);
    expect(await lines(ann).last().getAttribute('data-kind')).toBe('model');
  }, 180_000);

  it('a /story whose answer was lost as the server made it: the page finds the story and opens it', async () => {
    const cy = await w.as('Cy');
    await cy.route('**/api/command', async (route) => {
      // The server makes the story and answers, but the answer never reaches the page.
      await route.fetch();
      await route.abort('connectionreset');
    });
    await say(cy, 'channel', '/story A story whose answer was lost. --length 40');
    await expect.poll(() => notices(cy, 'channel')).toMatch(UNREACHABLE);
    await cy.unroute('**/api/command');
    // The event stream is still there: the page hears it again, catches up and opens Cy's new story.
    const title = () => cy.getByTestId('thread-title').textContent();
    await expect.poll(title, { timeout: 10_000 }).toBe('A story whose answer was lost.');
    expect(await box(cy, 'channel').inputValue()).toBe('');
    await expect.poll(() => lines(cy).count(), { timeout: 60_000 }).toBe(2);
  }, 120_000);
});
