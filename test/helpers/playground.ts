/** A bot with the playground on a free port, for API and browser tests. */
import { goLive, startBot, type Bot } from '../../src/app.ts';
import { PlaygroundAdapter } from '../../src/chat/playground/adapter.ts';
import type { Config } from '../../src/config.ts';
import { testConfig, testTransport } from './bot.ts';

/** A running playground and its bot. */
export interface TestPlayground {
  bot: Bot;
  playground: PlaygroundAdapter;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

/** Starts the bot (no worker) with the playground on 127.0.0.1 and a free port. */
export async function startTestPlayground(overrides: Record<string, string> = {}): Promise<TestPlayground> {
  const config = testConfig({ PLAYGROUND_PORT: '0', PLAYGROUND_ADMINS: 'Root', STORYLOOM_MAX_IN_FLIGHT: '20', ...overrides });
  const bot = await startBot(config, testTransport(config), { worker: false, log: () => undefined });
  const playground = new PlaygroundAdapter(config, bot, () => undefined);
  await playground.start();
  await goLive(bot);
  return {
    bot, playground, config, url: playground.url,
    async stop() {
      await playground.stop();
      await bot.stop();
    },
  };
}
