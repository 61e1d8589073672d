/**
 * Builds the bot from a configuration: transport → jobs → stories → core, plus the
 * embedded worker's supervisor. main.ts adds the chat adapters, handing each only
 * `bot.chat` (what an adapter may ask of the bot); tests use this directly.
 */
import { OPENING_MAX_CHARS, TOP_P } from '../commands/story.ts';
import type { Config } from './config.ts';
import { chatCoreOf, type ChatCore } from './core/chat-core.ts';
import { Core, type CoreSettings } from './core/core.ts';
import { Deliveries } from './core/deliveries.ts';
import { ProgressFeed } from './core/progress-feed.ts';
import { WorkerSupervisor } from './worker/supervisor.ts';
import { JobClient } from './jobs/client.ts';
import { WorkerMonitor } from './jobs/workers.ts';
import { StoryStore } from './stories/store.ts';
import type { Transport } from './transport/transport.ts';
import { reasonOf } from './log-text.ts';
import { defaultLogger, type Logger } from './log.ts';

/** The running bot, without its chat adapters. */
export interface Bot {
  config: Config;
  transport: Transport;
  core: Core;
  jobs: JobClient;
  workers: WorkerMonitor;
  stories: StoryStore;
  deliveries: Deliveries;
  progress: ProgressFeed;
  supervisor: WorkerSupervisor | null;
  /** What the chat adapters see of the bot. */
  chat: ChatCore;
  log: Logger;
  /**
   * The first half of a graceful stop: refuses new commands, stops hearing the mailbox, and waits up to
   * `timeoutMs` for the commands being answered and the lines being posted. True when nothing was left.
   */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Core's settings from the configuration. */
export function coreSettings(config: Config): CoreSettings {
  return {
    maxSeedChars: OPENING_MAX_CHARS,
    maxLineChars: 1000,
    defaultTemperature: config.STORYLOOM_DEFAULT_TEMPERATURE,
    defaultLength: config.STORYLOOM_DEFAULT_LENGTH,
    limits: {
      maxInFlightPerUser: config.STORYLOOM_MAX_IN_FLIGHT,
      cooldownS: config.STORYLOOM_COOLDOWN_S,
      maxQueue: config.STORYLOOM_MAX_QUEUE,
    },
    jobs: {
      contextChars: config.STORYLOOM_CONTEXT_CHARS,
      deadlineS: config.STORYLOOM_JOB_DEADLINE_S,
      topP: TOP_P,
      model: null,
      votes: { windowMs: config.STORYLOOM_VOTE_WINDOW_S * 1000 },
    },
    adminTimeoutMs: config.STORYLOOM_ADMIN_TIMEOUT_S * 1000,
    defaultCandidates: config.STORYLOOM_CANDIDATES,
  };
}

/** How `startBot` runs: whether with the embedded worker (and its environment), and where it logs. */
export interface StartOptions {
  /** False: no embedded worker, whatever the configuration says. */
  worker?: boolean;
  workerEnv?: NodeJS.ProcessEnv;
  log?: Logger;
}

/** Opens the mailbox, recovers its state, and starts the bot (and the embedded worker unless it is off). */
export async function startBot(config: Config, transport: Transport, options: StartOptions = {}): Promise<Bot> {
  const log = options.log ?? defaultLogger();
  await transport.open();
  const workers = new WorkerMonitor(transport, 10, Date.now, log);
  const jobs = new JobClient(transport, workers, { log });
  const stories = new StoryStore(transport, log);
  const deliveries = new Deliveries();
  const core = new Core(stories, jobs, workers, transport, deliveries, coreSettings(config));
  // Responses to jobs become story lines: core's story jobs handle what the job client hears.
  jobs.setHandler(core.storyJobs);
  const chat = chatCoreOf({ core, stories, workers, deliveries, transport });
  const progress = new ProgressFeed(jobs, stories, deliveries, log);
  // One listing of stories/ serves the stories and the channels' settings beside them.
  const storyFiles = await transport.list('stories');
  await stories.load(storyFiles);
  await core.channels.load(storyFiles);
  await workers.load();
  const unsubscribe = transport.subscribe((change) => {
    const work = change.folder === 'workers' ? workers.onChange(change) : jobs.onChange(change);
    void work.catch((error: Error) => log.warn({ error: reasonOf(error) }, `storyloom: ${reasonOf(error)}`));
  });
  // No more news from the mailbox, progress updates or sweeps (each of these may be stopped twice).
  const stopHearing = () => {
    unsubscribe();
    progress.stop();
    jobs.stop();
  };
  const embedded = options.worker !== false && config.STORYLOOM_LOCAL_WORKER !== 'off';
  const supervisor = embedded ? new WorkerSupervisor(options.workerEnv ?? process.env, log) : null;
  supervisor?.start();
  return {
    config,
    transport,
    core,
    jobs,
    workers,
    stories,
    deliveries,
    progress,
    supervisor,
    chat,
    log,
    drain(timeoutMs) {
      core.stopTaking();
      stopHearing();
      return core.settled(timeoutMs);
    },
    async stop() {
      // Votes' timers go too (a stop without a drain: a failed start, or a test's restart).
      core.storyJobs.votes.stop();
      stopHearing();
      await supervisor?.stop();
      await transport.close();
    },
  };
}

/** Starts what needs the adapters in place: recovery of jobs and undelivered lines, and progress updates. */
export async function goLive(bot: Bot): Promise<void> {
  await bot.jobs.start();
  await bot.core.storyJobs.deliverUndelivered();
  // Votes resume: windows that ran out while the bot was down close now, once; messages not saved are found.
  await bot.core.storyJobs.votes.recover();
  const tracked = new Set(bot.jobs.pending().map((r) => r.job_id));
  const resubmitted = await bot.core.storyJobs.resubmitLost(tracked);
  if (resubmitted.length) {
    const again = `${resubmitted.length} job(s) again`;
    bot.log.info(`storyloom: submitted ${again} that stories waited for but the mailbox never got`);
  }
  bot.progress.start();
}
