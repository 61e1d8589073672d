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
import { type BotOps, startOps } from './ops/ops.ts';
import { makeTransport } from './transport/factory.ts';
import { reasonOf } from './log-text.ts';
import { BOT_NAME, loggerFor, startupLogger, type Logger } from './log.ts';

// Until the configuration is read (LOG_LEVEL, LOG_FORMAT), what goes wrong is told at info, in the default format.
let log: Logger = startupLogger(BOT_NAME);

let stopping = false;
let chatCount = -1;
/** The graceful stop, once the bot is up; a signal that comes while it starts waits for it (stopAsked). */
let stopNow: (() => Promise<void>) | null = null;
let stopAsked = false;

/** SIGINT and SIGTERM: stop gracefully now, or as soon as the bot has started (never die half started). */
function onStopSignal(): void {
  if (stopNow) {
    void stopNow();
    return;
  }
  if (!stopAsked) log.info('storyloom: asked to stop while starting; stopping once started…');
  stopAsked = true;
}

async function main(): Promise<void> {
  // First of all: a stop asked for while the bot starts (a deploy that changes its mind) is a graceful one too.
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);
  // The process stays up: a stray rejection (a chat platform or Drive misbehaving) is logged, not fatal.
  process.on('unhandledRejection', (reason) => {
    log.error(`storyloom: unhandled error: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  // Node exits with code 0 when nothing holds the event loop: never let that pass silently for a bot meant to serve.
  process.on('beforeExit', () => {
    if (stopping) return;
    log.error(
      chatCount === 0
        ? 'storyloom: nothing to serve: no chat platform is on and no worker runs here; stopping.'
        : 'storyloom: stopped unexpectedly: nothing was left running (no chat connection, mailbox poll or timer ' +
            'held the process). This is a bug; please report it.',
    );
    process.exitCode = 1;
  });
  const config = await loadConfig();
  log = loggerFor(config, BOT_NAME);
  const bot = await startBot(config, await makeTransport(config, 'bot', log), { log });
  const adapters: ChatAdapter[] = [];
  let ops: BotOps | null = null;
  try {
    // Each adapter gets bot.chat, what an adapter may ask of the bot, and not the bot's parts.
    if (config.PLAYGROUND) adapters.push(createPlaygroundAdapter(config, bot.chat, log));
    if (config.DISCORD_TOKEN) adapters.push(createDiscordAdapter(config, bot.chat, log));
    if (config.SLACK_BOT_TOKEN) adapters.push(createSlackAdapter(config, bot.chat, log));
    for (const adapter of adapters) await adapter.start();
    chatCount = adapters.length;
    await goLive(bot);
    // Health and metrics (OPS_PORT), once the adapters are up: readiness asks them whether they are connected.
    ops = await startOps(config, bot, adapters, log);
  } catch (error) {
    // The embedded worker is already forked: stop it with the bot, or it would outlive us.
    for (const adapter of adapters) await adapter.stop().catch(() => undefined);
    await bot.stop().catch((e: Error) => log.warn(`storyloom: stopping after a failed start: ${reasonOf(e)}`));
    throw error;
  }
  log.info(`storyloom is running: ${describeConfig(config)}`);
  for (const adapter of adapters) if ('url' in adapter) log.info(`  playground: ${adapter.url}`);
  // Where Slack's requests must reach (the app's Request URL); with SLACK_PORT=0 this is the only way to know the port.
  for (const adapter of adapters) {
    if (!(adapter instanceof SlackAdapter) || adapter.mode !== 'http') continue;
    log.info(`  slack: HTTP mode, events at port ${adapter.port} (POST /slack/events)`);
  }
  if (ops) log.info(`  ops: ${ops.url} (/health/live, /health/ready, /metrics)`);
  if (!adapters.length) {
    log.info('  no chat platform is on: set PLAYGROUND=on, DISCORD_TOKEN or SLACK_BOT_TOKEN (see .env.example)');
  }
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const boundS = config.STORYLOOM_STOP_TIMEOUT_S;
    log.info('storyloom: stopping…');
    // The bound: whatever is still running then (a chat platform that does not answer) is left to the restart,
    // which posts lines not marked delivered and keeps every job in the mailbox.
    const hard = setTimeout(() => {
      log.error(`storyloom: did not stop within ${boundS} s (STORYLOOM_STOP_TIMEOUT_S); exiting anyway.`);
      process.exit(1);
    }, boundS * 1000);
    hard.unref();
    // Readiness says "stopping" while the bot drains, so a load balancer or uptime check sees it go.
    ops?.markStopping();
    // No new commands; the commands being answered and the lines being posted finish first, in most of the bound.
    const drained = await bot.drain(boundS * 800);
    if (!drained) {
      log.warn('storyloom: some lines were still being posted at the stop; they are posted after the restart.');
    }
    await ops?.close().catch(() => undefined);
    for (const adapter of adapters) await adapter.stop().catch(() => undefined);
    await bot.stop();
    log.info(`storyloom: stopped in ${Date.now() - started} ms`);
    process.exit(0);
  };
  stopNow = stop;
  if (stopAsked) void stop();
}

main().catch((error: Error) => {
  const ours = error instanceof ConfigError || error.message.startsWith('storyloom:');
  log.fatal(ours ? error.message : `storyloom: failed to start: ${error.stack}`);
  process.exit(1);
});
