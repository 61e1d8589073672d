/**
 * storyloom's composition root: config → transport → jobs → stories → core → chat
 * adapters (+ the embedded worker). With no platform tokens, `npm start` runs the
 * playground on a local folder mailbox with the embedded CPU worker.
 */
import { goLive, startBot } from './app.ts';
import type { ChatAdapter } from './chat/adapter.ts';
import { createDiscordAdapter } from './chat/discord/adapter.ts';
import { createPlaygroundAdapter } from './chat/playground/adapter.ts';
import { createSlackAdapter, SlackAdapter } from './chat/slack/adapter.ts';
import { ConfigError, describeConfig, loadConfig } from './config.ts';
import { makeTransport } from './transport/factory.ts';
import { reasonOf } from './log-text.ts';

const log = (message: string) => console.error(message);

let stopping = false;
let chatCount = -1;

async function main(): Promise<void> {
  // The process stays up: a stray rejection (a chat platform or Drive misbehaving) is logged, not fatal.
  process.on('unhandledRejection', (reason) => {
    log(`storyloom: unhandled error: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  // Node exits with code 0 when nothing holds the event loop: never let that pass silently for a bot meant to serve.
  process.on('beforeExit', () => {
    if (stopping) return;
    log(
      chatCount === 0
        ? 'storyloom: nothing to serve: no chat platform is on and no worker runs here; stopping.'
        : 'storyloom: stopped unexpectedly: nothing was left running (no chat connection, mailbox poll or timer ' +
            'held the process). This is a bug; please report it.',
    );
    process.exitCode = 1;
  });
  const config = await loadConfig();
  const bot = await startBot(config, await makeTransport(config, 'bot'), { log });
  const adapters: ChatAdapter[] = [];
  try {
    // Each adapter gets bot.chat, what an adapter may ask of the bot, and not the bot's parts.
    if (config.PLAYGROUND) adapters.push(createPlaygroundAdapter(config, bot.chat, log));
    if (config.DISCORD_TOKEN) adapters.push(createDiscordAdapter(config, bot.chat, log));
    if (config.SLACK_BOT_TOKEN) adapters.push(createSlackAdapter(config, bot.chat, log));
    for (const adapter of adapters) await adapter.start();
    chatCount = adapters.length;
    await goLive(bot);
  } catch (error) {
    // The embedded worker is already forked: stop it with the bot, or it would outlive us.
    for (const adapter of adapters) await adapter.stop().catch(() => undefined);
    await bot.stop().catch((e: Error) => log(`storyloom: stopping after a failed start: ${reasonOf(e)}`));
    throw error;
  }
  console.log(`storyloom is running: ${describeConfig(config)}`);
  for (const adapter of adapters) if ('url' in adapter) console.log(`  playground: ${adapter.url}`);
  // Where Slack's requests must reach (the app's Request URL); with SLACK_PORT=0 this is the only way to know the port.
  for (const adapter of adapters) {
    if (!(adapter instanceof SlackAdapter) || adapter.mode !== 'http') continue;
    console.log(`  slack: HTTP mode, events at port ${adapter.port} (POST /slack/events)`);
  }
  if (!adapters.length) {
    console.log('  no chat platform is on: set PLAYGROUND=on, DISCORD_TOKEN or SLACK_BOT_TOKEN (see .env.example)');
  }
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('storyloom: stopping…');
    for (const adapter of adapters) await adapter.stop().catch(() => undefined);
    await bot.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  const ours = error instanceof ConfigError || error.message.startsWith('storyloom:');
  console.error(ours ? error.message : `storyloom: failed to start: ${error.stack}`);
  process.exit(1);
});
