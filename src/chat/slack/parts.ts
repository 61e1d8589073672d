/**
 * Role: what the adapter's pieces share (on Discord, parts.ts too). On Slack: core
 * as adapters see it, the poster, people, the reply renderer and the memory of
 * requests already handled, built once by the adapter; plus the helpers every
 * handler uses to skip a repeat and to tell a person something.
 */
import type { RespondFn } from '@slack/bolt';
import type { ChatCore } from '../../core/chat-core.ts';
import type { Logger } from '../../log.ts';
import type { RecentKeys } from '../recent.ts';
import type { SlackPeople } from './context.ts';
import type { SlackPlace, SlackPoster } from './poster.ts';
import { plainMessage } from './render.ts';
import type { ReplyRenderer, Tell } from './show-reply.ts';

/** The adapter's parts the handlers share. */
export interface SlackParts {
  core: ChatCore;
  poster: SlackPoster;
  people: SlackPeople;
  replies: ReplyRenderer;
  /** Keys of requests already handled (event ids, trigger ids, message ts). */
  recent: RecentKeys;
  log: Logger;
}

/**
 * True the first time a request is seen, by its keys (an event id, a trigger id,
 * a message's channel and ts). A repeat is logged when Slack marked it a retry.
 */
export function firstTime(
  parts: SlackParts,
  keys: string[],
  retry: { retryNum?: number; retryReason?: string },
): boolean {
  if (parts.recent.allFirst(...keys)) return true;
  if (retry.retryNum) {
    const why = retry.retryReason || 'no reason given';
    parts.log.info(`storyloom slack: ignored retry ${retry.retryNum} (${why}) of ${keys[0]}: already handled`);
  }
  return false;
}

/** Tells the user through the interaction's response_url (ephemeral, leaving the original message alone). */
export function tellByResponseUrl(respond: RespondFn): Tell {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text: plainMessage(text).text });
}

/** Tells the user with chat.postEphemeral, in the channel and thread they wrote in. */
export function tellEphemeral(parts: SlackParts, place: SlackPlace, userId: string): Tell {
  return (text) => parts.poster.ephemeral(place, userId, plainMessage(text));
}

/** Adds the bot's ✅ to a person's message that joined a story (a failure is only logged). */
export async function acknowledgeLine(parts: SlackParts, channel: string, ts: string): Promise<void> {
  await parts.poster
    .react({ channel, ts }, 'white_check_mark')
    .catch((error: Error) => parts.log.warn(`storyloom slack: reaction not added: ${error.message}`));
}
