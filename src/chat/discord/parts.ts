/** What the Discord adapter's pieces share. */
import type { Bot } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { LiveReplies } from './live-replies.ts';
import type { StoryGate } from './story-gate.ts';

/** The bot, the settings, the live replies and the story gate, with the log and the clock. */
export interface AdapterParts {
  bot: Bot;
  config: Config;
  live: LiveReplies;
  gate: StoryGate;
  log: (message: string) => void;
  /** Milliseconds since the epoch (Date.now, except in tests that let time pass). */
  clock: () => number;
}
