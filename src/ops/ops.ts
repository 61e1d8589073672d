/**
 * The health and metrics endpoints of a running bot (server.ts), on when OPS_PORT is set. main.ts starts them
 * once the chat adapters are up, and closes them on stop. Here the bot's state becomes the gauges read at scrape
 * time (src/metrics.ts) and the parts of readiness (readiness.ts).
 */
import type { Bot } from '../app.ts';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Config } from '../config.ts';
import { mailboxActivity, registry, setStateSources, startDefaultMetrics, type StateSources } from '../metrics.ts';
import { readiness, type EmbeddedWorker, type ReadinessSources } from './readiness.ts';
import { startOpsServer, type OpsServer } from './server.ts';

/** The running endpoints of a bot. */
export interface BotOps extends OpsServer {
  /** From now on /health/ready says the bot is stopping (503), while it drains. */
  markStopping(): void;
}
import type { Logger } from '../log.ts';

/** How long the mailbox's latest news counts: a Drive mailbox is polled at least every DRIVE_POLL_SLOW_MS. */
export function mailboxRecentMs(config: Config): number {
  return config.STORYLOOM_MAILBOX === 'drive' ? Math.max(30_000, 3 * config.DRIVE_POLL_SLOW_MS) : 30_000;
}

/** The gauges' view of the bot: the queue, the workers, the stories. */
export function botStateSources(bot: Bot): StateSources {
  return {
    queueDepth: () => [...bot.jobs.progress().values()].filter((p) => p.state !== 'writing').length,
    workers: () =>
      bot.workers.workers().map((w) => ({
        state: w.fresh ? w.heartbeat.state : 'stale',
        kind: w.heartbeat.kind,
        ageS: w.ageS,
      })),
    storyStates: () => bot.stories.all().map((s) => s.status),
  };
}

/** Readiness's view of the bot and its chat adapters. */
export function botReadinessSources(bot: Bot, chats: ChatAdapter[]): ReadinessSources {
  const embedded = (): EmbeddedWorker => {
    if (!bot.supervisor) return 'off';
    return bot.supervisor.pid === undefined ? 'down' : 'running';
  };
  return {
    chats,
    mailbox: {
      activity: mailboxActivity,
      probe: () => bot.transport.list('workers'),
      recentMs: mailboxRecentMs(bot.config),
      probeTimeoutMs: 5_000,
      now: Date.now,
    },
    workers: () => bot.workers.workers(),
    embedded,
  };
}

/** Starts the endpoints when OPS_PORT is set (else null). */
export async function startOps(config: Config, bot: Bot, chats: ChatAdapter[], log?: Logger): Promise<BotOps | null> {
  if (config.OPS_PORT === undefined) return null;
  setStateSources(botStateSources(bot));
  startDefaultMetrics();
  let stopping = false;
  const sources = { ...botReadinessSources(bot, chats), stopping: () => stopping };
  const server = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    readiness: () => readiness(sources),
    metrics: registry,
    log,
  }).catch((error: unknown) => {
    setStateSources(null);
    throw error;
  });
  return {
    url: server.url,
    port: server.port,
    markStopping() {
      stopping = true;
    },
    async close() {
      await server.close();
      setStateSources(null);
    },
  };
}
