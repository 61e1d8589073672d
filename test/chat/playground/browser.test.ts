/**
 * The playground in a real browser (Debian's Chromium through playwright-core):
 * two browser contexts are two users writing one story together.
 * Screenshots go to test-artifacts/playground/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedWorker } from '../../../src/engine/worker.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { ROOT } from '../../helpers/python.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-artifacts/playground');
// As the machine's notes advise: no sandbox as root, and no background networking on a closed network.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the playground in a browser', () => {
  let pg: TestPlayground;
  let browser: Browser;
  let worker: EmbeddedWorker | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with apt-get install chromium (npm test does this).`);
    mkdirSync(SHOTS, { recursive: true });
    pg = await startTestPlayground();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (worker) {
      await worker.stop();
      await worker.transport.close();
    }
    await pg?.stop();
  });

  async function as(name: string, viewport = { width: 1200, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${pg.url}/?user=${encodeURIComponent(name)}`);
    await expect.poll(() => page.getByTestId('me').textContent()).toBe(name);
    return page;
  }
  const lines = (page: Page) => page.locator('[data-testid=lines] li');

  it('two people write one story: start, wait, continue, add, undo, retry, end', async () => {
    const ann = await as('Ann');
    const bob = await as('Bob');
    await expect.poll(() => ann.getByTestId('worker').textContent()).toBe('no worker online');

    await ann.getByTestId('channel-composer').locator('input').fill('/st');
    await expect.poll(() => ann.locator('[data-testid=channel-composer] .hints li').first().textContent()).toMatch(/^\/story <seed>/);
    await ann.getByTestId('channel-composer').locator('input').fill('/story The lighthouse keeper climbed the stairs.');
    await ann.keyboard.press('Enter');
    await expect.poll(() => ann.getByTestId('progress').textContent()).toMatch(/No worker is online right now\. Your request is saved/);
    await ann.screenshot({ path: join(SHOTS, '1-waiting-for-a-worker.png') });

    worker = await startTestWorker(pg.config, SMALL_MODEL);
    await expect.poll(() => lines(ann).count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => ann.getByTestId('progress').isHidden()).toBe(true);
    expect(await lines(ann).nth(1).getAttribute('data-kind')).toBe('model');
    expect(await lines(ann).nth(0).locator('.by').textContent()).toBe('Ann · seed');

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
    await expect.poll(async () => (await lines(ann).count()) === 3 && (await lines(ann).nth(2).textContent()) !== before, { timeout: 60_000 }).toBe(true);

    await ann.getByTestId('buttons').locator('button[data-action=end]').click();
    await expect.poll(() => ann.getByTestId('thread-status').textContent()).toBe('ended');
    await expect.poll(() => bob.getByTestId('thread-status').textContent()).toBe('ended');
    expect(await ann.getByTestId('buttons').locator('button').count()).toBe(0);
    await ann.screenshot({ path: join(SHOTS, '3-the-end.png') });
  }, 180_000);

  it('fits a phone-sized screen, and errors are shown plainly', async () => {
    const phone = await as('Cy', { width: 390, height: 780 });
    await phone.locator('[data-testid=stories] li').first().click();
    await expect.poll(() => phone.getByTestId('thread-title').isVisible()).toBe(true);
    expect(await phone.locator('.channel').isVisible()).toBe(false);
    expect(await phone.getByTestId('thread-composer').locator('input').isDisabled()).toBe(true);
    await phone.screenshot({ path: join(SHOTS, '4-phone-thread.png') });
    await phone.getByTestId('back').click();
    expect(await phone.locator('.channel').isVisible()).toBe(true);
    await phone.getByTestId('channel-composer').locator('input').fill('/continue');
    await phone.keyboard.press('Enter');
    await expect.poll(() => phone.getByTestId('channel-notices').textContent()).toMatch(/Use this inside a story’s thread/);
    await phone.getByTestId('channel-composer').locator('input').fill('/story');
    await phone.keyboard.press('Enter');
    await expect.poll(() => phone.getByTestId('channel-notices').textContent()).toMatch(/\/story needs seed/);
  }, 60_000);
});
