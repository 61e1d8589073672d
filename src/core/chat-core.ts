/**
 * What a chat adapter may ask of the bot, and nothing more: run a command, press a
 * button, add a person's own line, look at stories and hear of their changes, read
 * the workers' health, and register itself to deliver its platform's lines. src/app.ts
 * builds one with {@link chatCoreOf} and hands it to each adapter, so no adapter
 * reaches past core to the story store, the job client or the mailbox.
 */
import type { WorkerMonitor } from '../jobs/workers.ts';
import type { StoryStore } from '../stories/store.ts';
import type { Transport } from '../transport/transport.ts';
import type { Core } from './core.ts';
import type { Deliveries } from './deliveries.ts';
import type { ChatDelivery, CommandContext, CommandTarget, Platform, Reply, Story, StoryEvent } from './types.ts';
import { workerHealth, type WorkerHealth } from './worker-health.ts';

/** What a chat adapter sees of the bot. */
export interface ChatCore {
  /** Runs a command of commands/ by name, with its raw arguments (checked against its definition). */
  run(ctx: CommandContext, name: string, raw: Record<string, unknown>, target?: CommandTarget): Promise<Reply>;
  /** A press of one of storyloom's buttons, by its custom id. */
  press(ctx: CommandContext, customId: string): Promise<Reply>;
  /** A person's own line as they typed it in a story's thread (a reply there, not a command). */
  addLine(ctx: CommandContext, storyId: string, text: unknown): Promise<Reply>;
  /** The story a thread command in this context is about; a UserError outside a story's thread. */
  storyIdIn(ctx: CommandContext): string;
  /** The story with this id; a UserError when there is none. */
  story(id: string): Story;
  /** The story living in a chat thread, if any. */
  storyInThread(platform: Platform, thread: string): Story | undefined;
  /** Every story the bot knows. */
  stories(): Story[];
  /** Listens to every change of every story (for live views); returns the way to stop. */
  onStoryEvent(listener: (event: StoryEvent) => void): () => void;
  /** The workers' health as a chat shows it. */
  workerHealth(): WorkerHealth;
  /** Listens to heartbeat changes; returns the way to stop. */
  onWorkerChange(listener: () => void): () => void;
  /** Registers the adapter that delivers `platform`'s lines, progress and failures. */
  registerDelivery(platform: Platform, delivery: ChatDelivery): void;
  /** The longest opening and line core accepts, in characters (a chat may limit its boxes to them). */
  readonly limits: { opening: number; line: number };
  /** Where the mailbox is, for health pages and logs. */
  readonly mailbox: string;
}

/** The bot's parts a ChatCore is made of. */
export interface ChatCoreParts {
  core: Core;
  stories: StoryStore;
  workers: WorkerMonitor;
  deliveries: Deliveries;
  transport: Transport;
}

/** The ChatCore of these parts: commands go to core; the rest is read-only, or registration. */
export function chatCoreOf({ core, stories, workers, deliveries, transport }: ChatCoreParts): ChatCore {
  return {
    run: (ctx, name, raw, target) => core.run(ctx, name, raw, target),
    press: (ctx, customId) => core.press(ctx, customId),
    addLine: (ctx, storyId, text) => core.addLine(ctx, storyId, text),
    storyIdIn: (ctx) => core.storyIdIn(ctx),
    story: (id) => stories.get(id),
    storyInThread: (platform, thread) => stories.findByThread(platform, thread),
    stories: () => stories.all(),
    onStoryEvent: (listener) => core.onStoryEvent(listener),
    workerHealth: () => workerHealth(workers.workers()),
    onWorkerChange: (listener) => workers.subscribe(listener),
    registerDelivery: (platform, delivery) => deliveries.register(platform, delivery),
    get limits() {
      return core.textLimits;
    },
    get mailbox() {
      return transport.description;
    },
  };
}
