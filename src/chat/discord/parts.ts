/**
 * Role: what the adapter's pieces share (on Slack, parts.ts too). On Discord: core
 * as adapters see it, the settings, the status messages and the story gate, with
 * the log and the clock.
 */
import type { Config } from '../../config.ts';
import type { ChatCore } from '../../core/chat-core.ts';
import type { Logger } from '../../log.ts';
import type { StatusMessages } from './status-messages.ts';
import type { StoryGate } from './story-gate.ts';

/** The adapter's parts the handlers and the delivery share. */
export interface DiscordParts {
  core: ChatCore;
  config: Config;
  status: StatusMessages;
  gate: StoryGate;
  log: Logger;
  /** Milliseconds since the epoch (Date.now, except in tests that let time pass). */
  clock: () => number;
}
