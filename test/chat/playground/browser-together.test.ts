/**
 * The playground in a real browser (Debian's Chromium through playwright-core):
 * two browser contexts are two users writing one story together; progress while a
 * job waits; a tab catching up after its event stream dropped.
 * Screenshots go to test-artifacts/playground/.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestWorker } from '../../helpers/bot.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { writeHeartbeat } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';
import { browserWorld, lines, SHOTS } from './browser-world.ts';

/** The page's window, with the texts recordProgress keeps on it. */
type ProgressWindow = Window & { progressSeen?: string[] };

describe('the playground in a browser', () => {
  const w = browserWorld();
  const as = w.as;

  it('two people write one story: start, wait, continue, add, undo, retry, end', async () => {
    const ann = await as('Ann');
    const bob = await as('Bob');
    await expect.poll(() => ann.getByTestId('worker').textContent()).toBe('no worker online');

    await ann.getByTestId('channel-composer').locator('input').fill('/st');
    await expect
      .poll(() => ann.locator('[data-testid=channel-composer] .hints li').first().textContent())
      .toMatch(/^\/story <opening>/);
    await ann.getByTestId('channel-composer').locator('input').fill('/story The lighthouse keeper climbed the stairs.');
    await ann.keyboard.press('Enter');
    await expect
      .poll(() => ann.getByTestId('progress').textContent())
      .toMatch(/No worker is online right now\. Your request is saved/);
    await ann.screenshot({ path: join(SHOTS, '1-waiting-for-a-worker.png') });

    w.worker = await startTestWorker(w.pg.config, SMALL_MODEL);
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => ann.getByTestId('progress').isHidden()).toBe(true);
    expect(await lines(ann).nth(1).getAttribute('data-kind')).toBe('model');
    expect(await lines(ann).nth(0).locator('.by').textContent()).toBe('Ann · opening');

    await bob.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => lines(bob).count()).toBe(2);
    await bob.getByTestId('buttons').locator('button[data-action=continue]').click();
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(() => lines(bob).count()).toBe(3);
    expect(await lines(ann).nth(2).locator('.by').textContent()).toBe('storyloom (small) for Bob');

    await bob.getByTestId('thread-composer').locator('input').fill('Bob adds a line of his own.');
    await bob.keyboard.press('Enter');
    await expect.poll(() => lines(ann).nth(3).textContent()).toBe('BobBob adds a line of his own.');
    await ann.screenshot({ path: join(SHOTS, '2-writing-together.png') });

    await ann.getByTestId('buttons').locator('button[data-action=undo]').click();
    await expect.poll(() => lines(bob).count()).toBe(3);
    const before = await lines(ann).nth(2).textContent();
    await ann.getByTestId('buttons').locator('button[data-action=retry]').click();
    await expect
      .poll(async () => (await lines(ann).count()) === 3 && (await lines(ann).nth(2).textContent()) !== before, {
        timeout: 60_000,
      })
      .toBe(true);

    await ann.getByTestId('buttons').locator('button[data-action=end]').click();
    await expect.poll(() => ann.getByTestId('thread-status').textContent()).toBe('ended');
    await expect.poll(() => bob.getByTestId('thread-status').textContent()).toBe('ended');
    expect(await ann.getByTestId('buttons').locator('button').allTextContents()).toEqual(['Export']);
    await ann.screenshot({ path: join(SHOTS, '3-the-end.png') });
  }, 180_000);

  it('fits a phone-sized screen, and errors are shown plainly', async () => {
    const phone = await as('Cy', { width: 390, height: 780 });
    await phone.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => phone.getByTestId('thread-title').isVisible()).toBe(true);
    expect(await phone.locator('.channel').isVisible()).toBe(false);
    // An ended story: its composer stays open for /export, and says so.
    const placeholder = phone.getByTestId('thread-composer').locator('input').getAttribute('placeholder');
    expect(await placeholder).toMatch(/ended: press Export, or type \/export/);
    await phone.screenshot({ path: join(SHOTS, '4-phone-thread.png') });
    await phone.getByTestId('back').click();
    expect(await phone.locator('.channel').isVisible()).toBe(true);
    await phone.getByTestId('channel-composer').locator('input').fill('/continue');
    await phone.keyboard.press('Enter');
    await expect
      .poll(() => phone.getByTestId('channel-notices').textContent())
      .toMatch(/Use this inside a story’s thread/);
    await phone.getByTestId('channel-composer').locator('input').fill('/story');
    await phone.keyboard.press('Enter');
    await expect.poll(() => phone.getByTestId('channel-notices').textContent()).toMatch(/\/story needs its opening/);
  }, 60_000);
});

describe('the playground in a browser: progress, authors, and catching up after a dropped stream', () => {
  const w = browserWorld();
  const as = w.as;
  const authors = (page: Page) => page.locator('[data-testid=lines] li .by').allTextContents();
  /** Records every text the progress box shows, so a state held briefly is not missed between polls. */
  const recordProgress = (page: Page) =>
    page.evaluate(() => {
      const box = document.querySelector('[data-testid=progress]')!;
      const seen: string[] = [];
      (window as ProgressWindow).progressSeen = seen;
      new MutationObserver(() => {
        if (!(box as HTMLElement).hidden && seen.at(-1) !== box.textContent) seen.push(box.textContent ?? '');
      }).observe(box, { childList: true, characterData: true, subtree: true, attributes: true });
    });
  const progressSeen = (page: Page) => page.evaluate(() => (window as ProgressWindow).progressSeen as string[]);

  it('a waiting story shows "#1 in line", then "Writing on" its worker; both see every line’s author', async () => {
    const ann = await as('Ann');
    const bob = await as('Bob');
    await recordProgress(ann);
    // A worker that is up but has not taken the job yet (a heartbeat written by hand, fresh for 100 s:
    // 3 × 30 s + grace).
    writeHeartbeat(w.pg.config, { worker_id: 'busy-worker', interval_s: 30 });
    await expect.poll(() => ann.getByTestId('worker').textContent()).toMatch(/^busy-worker · running/);

    await ann.getByTestId('channel-composer').locator('input').fill('/story The quiet harbour at dawn. --length 60');
    await ann.keyboard.press('Enter');
    await expect.poll(() => ann.getByTestId('progress').textContent()).toBe('⏳ #1 in line');
    await bob.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => bob.getByTestId('progress').textContent()).toBe('⏳ #1 in line');
    await ann.screenshot({ path: join(SHOTS, '5-in-line.png') });

    // The worker takes the job: its heartbeat lists it as active.
    const jobId = w.pg.bot.jobs.pending()[0].job_id;
    writeHeartbeat(w.pg.config, { worker_id: 'busy-worker', interval_s: 30, active_jobs: [jobId] });
    await expect.poll(() => ann.getByTestId('progress').textContent()).toBe('✍️ Writing on busy-worker…');
    await expect.poll(() => bob.getByTestId('progress').textContent()).toBe('✍️ Writing on busy-worker…');
    const seen = await progressSeen(ann);
    expect(seen.indexOf('⏳ #1 in line')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('✍️ Writing on busy-worker…')).toBeGreaterThan(seen.indexOf('⏳ #1 in line'));

    // The hand-written worker goes away and a real one writes the line.
    rmSync(join(w.pg.config.STORYLOOM_DATA_DIR, 'mailbox/workers/busy-worker.json'));
    w.worker = await startTestWorker(w.pg.config, SMALL_MODEL);
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => lines(bob).count(), { timeout: 30_000 }).toBe(2);
    await bob.getByTestId('buttons').locator('button[data-action=continue]').click();
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(3);
    await bob.getByTestId('thread-composer').locator('input').fill('Bob rows out past the breakwater.');
    await bob.keyboard.press('Enter');
    const expected = ['Ann · opening', 'storyloom (small) for Ann', 'storyloom (small) for Bob', 'Bob'];
    await expect.poll(() => authors(ann), { timeout: 30_000 }).toEqual(expected);
    await expect.poll(() => authors(bob), { timeout: 30_000 }).toEqual(expected);
  }, 180_000);

  it('a tab whose event stream dropped catches up when it reconnects', async () => {
    const dee = await as('Dee');
    await dee.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => lines(dee).count()).toBe(4);
    const storyId = w.pg.bot.stories.all()[0].id;

    // Drop the stream, and keep the page from reconnecting until we let it.
    await dee.route('**/api/events', (route) => route.abort());
    w.pg.playground.events.close();
    await until(() => w.pg.playground.events.size === 0, 5_000, 'the streams to close');
    const post = (body: unknown) =>
      fetch(`${w.pg.url}/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ user: 'Eve', text: 'Eve writes while Dee is away.', thread: storyId })).status).toBe(200);
    expect((await post({ user: 'Eve', text: '/story Eve’s own tale --length 40' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    // Missed while down: the page still shows the old state.
    expect(await lines(dee).count()).toBe(4);
    expect(await dee.locator('[data-testid=stories] li .title').allTextContents()).not.toContain('Eve’s own tale');

    const reloads = Promise.all(
      ['/api/stories', `/api/stories/${storyId}`, '/healthz'].map((path) =>
        dee.waitForRequest((r) => new URL(r.url()).pathname === path, { timeout: 30_000 }),
      ),
    );
    await dee.unroute('**/api/events');
    await reloads;
    await expect.poll(() => lines(dee).count(), { timeout: 30_000 }).toBe(5);
    expect(await lines(dee).nth(4).locator('.by').textContent()).toBe('Eve');
    await expect
      .poll(() => dee.locator('[data-testid=stories] li .title').allTextContents(), { timeout: 30_000 })
      .toContain('Eve’s own tale');
  }, 120_000);
});
