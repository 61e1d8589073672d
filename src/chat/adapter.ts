/**
 * A chat adapter connects one platform to core: it turns the platform's commands,
 * buttons and messages into core calls, renders replies, and delivers what core
 * sends later (lines, progress, failures). It sees the bot only through ChatCore
 * (src/core/chat-core.ts). Only adapters catch errors at the edge: a UserError
 * becomes its message; anything else an apology and a log line.
 *
 * Each platform's folder names the same roles alike: adapter.ts, parts.ts (what its
 * pieces share), context.ts (who and where), handlers (commands, buttons),
 * show-reply.ts, render.ts, delivery.ts, status-messages.ts, status-recovery.ts,
 * bot-posts.ts, client.ts, start-errors.ts, edge.ts and registration.ts, where the
 * platform has the role.
 */
import type { ChatDelivery } from '../core/types.ts';

/** One chat platform, started and stopped by main.ts. */
export interface ChatAdapter extends ChatDelivery {
  /** 'discord', 'slack' or 'playground'. */
  readonly platform: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether it is connected to its platform now (for /health/ready), and if not, why. */
  health(): ChatHealth;
}

/** A chat adapter's connection, as /health/ready reports it. */
export interface ChatHealth {
  ready: boolean;
  /** Why it is not ready, in words for the person running the bot. */
  reason?: string;
}

/** What an adapter shows for an error that is not the user's. */
export const APOLOGY = 'Sorry, something went wrong on our side. Please try again in a moment.';
