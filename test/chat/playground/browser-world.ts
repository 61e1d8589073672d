/**
 * What the playground's browser tests share: Debian's Chromium through playwright-core,
 * a playground (restartable on the same port, as after Ctrl-C and `npm start`), tabs
 * as named people, and small readers of what a page shows.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { goLive, startBot } from '../../../src/app.ts';
import { PlaygroundAdapter, type PlaygroundOptions } from '../../../src/chat/playground/adapter.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { testTransport } from '../../helpers/bot.ts';
import { quietLog } from '../../helpers/log.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { ROOT } from '../../helpers/python.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Where the tests' screenshots go. */
export const SHOTS = join(ROOT, 'test-artifacts/playground');
// As the machine's notes advise: no sandbox as root, and no background networking on a closed network.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A playground and Chromium for one describe block. */
export interface BrowserWorld {
  pg: TestPlayground;
  browser: Browser;
  worker?: Worker;
  /** Opens a tab as `name` (a fresh browser context: another person). */
  as(name: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Stops the playground and its bot, as Ctrl-C does. */
  stopServer(): Promise<void>;
  /** Starts them again on the same port and mailbox, as `npm start` does. */
  startServer(): Promise<void>;
}

/** Sets up a BrowserWorld before the enclosing describe block's tests, and tears it down after them. */
export function browserWorld(overrides: Record<string, string> = {}, options: PlaygroundOptions = {}): BrowserWorld {
  let port = 0;
  const world = {
    async as(name: string, viewport = { width: 1200, height: 800 }) {
      const page = await (await world.browser.newContext({ viewport, acceptDownloads: true })).newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(`${world.pg.url}/?user=${encodeURIComponent(name)}`);
      await expect.poll(() => page.getByTestId('me').textContent()).toBe(name);
      return page;
    },
    async stopServer() {
      await world.pg.stop();
    },
    async startServer() {
      const config = { ...world.pg.config, PLAYGROUND_PORT: port };
      const bot = await startBot(config, testTransport(config), { worker: false, log: quietLog() });
      const playground = new PlaygroundAdapter(config, bot.chat, quietLog(), options);
      await playground.start();
      await goLive(bot);
      world.pg = {
        bot,
        playground,
        config,
        url: playground.url,
        async stop() {
          await playground.stop();
          await bot.stop();
        },
      };
    },
  } as BrowserWorld;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      const how = 'install it with apt-get install chromium (npm test does this)';
      throw new Error(`Chromium is missing at ${CHROMIUM}: ${how}.`);
    }
    mkdirSync(SHOTS, { recursive: true });
    world.pg = await startTestPlayground(overrides, options);
    port = Number(new URL(world.pg.url).port);
    world.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await world.browser?.close();
    if (world.worker) {
      await world.worker.stop();
      await world.worker.transport.close();
    }
    await world.pg?.stop().catch(() => undefined);
  });
  return world;
}

/** The lines of the open thread. */
export const lines = (page: Page) => page.locator('[data-testid=lines] li');
/** The labels of the buttons under the open thread's newest line. */
export const buttons = (page: Page) => page.getByTestId('buttons').locator('button').allTextContents();
/** The header's worker status. */
export const header = (page: Page) => page.getByTestId('worker').textContent();
/** A composer's text box: 'channel' or 'thread'. */
export const box = (page: Page, where: 'channel' | 'thread') => page.getByTestId(`${where}-composer`).locator('input');

/** Types `text` in a composer and presses Enter. */
export async function say(page: Page, where: 'channel' | 'thread', text: string): Promise<void> {
  await box(page, where).fill(text);
  await box(page, where).press('Enter');
}

/** The colour of the dot before the header's worker status. */
export const dotColour = (page: Page) =>
  page.getByTestId('worker').evaluate((node) => getComputedStyle(node, '::before').color);
