/** What every Slack handler works with, built once by the adapter. */
import type { RespondFn } from '@slack/bolt';
import type { Core } from '../../core/core.ts';
import type { CommandContext } from '../../core/types.ts';
import type { StoryStore } from '../../stories/store.ts';
import type { RecentKeys } from '../recent.ts';
import type { SlackPeople } from './people.ts';
import type { SlackPlace, SlackPoster } from './poster.ts';
import { plainMessage } from './render.ts';
import type { ReplyRenderer, Tell } from './replies.ts';

/** The adapter's parts the handlers share. */
export interface SlackKit {
  core: Core;
  stories: StoryStore;
  poster: SlackPoster;
  people: SlackPeople;
  replies: ReplyRenderer;
  /** Keys of requests already handled (event ids, trigger ids, message ts). */
  recent: RecentKeys;
  log: (message: string) => void;
}

/**
 * True the first time a request is seen, by its keys (an event id, a trigger id,
 * a message's channel and ts). A repeat is logged when Slack marked it a retry.
 */
export function firstTime(kit: SlackKit, keys: string[], retry: { retryNum?: number; retryReason?: string }): boolean {
  if (kit.recent.allFirst(...keys)) return true;
  if (retry.retryNum) kit.log(`storyloom slack: ignored retry ${retry.retryNum} (${retry.retryReason || 'no reason given'}) of ${keys[0]}: already handled`);
  return false;
}

/** A command context for a Slack member in a place. */
export async function contextFor(kit: SlackKit, userId: string, place: SlackPlace, nameHint?: string): Promise<CommandContext> {
  return { actor: await kit.people.actor(userId, nameHint), place: { platform: 'slack', channel: place.channel, thread: place.thread } };
}

/** Tells the user through the interaction's response_url (ephemeral, leaving the original message alone). */
export function tellByResponseUrl(respond: RespondFn): Tell {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text: plainMessage(text).text });
}

/** Tells the user with chat.postEphemeral, in the channel and thread they wrote in. */
export function tellEphemeral(kit: SlackKit, place: SlackPlace, userId: string): Tell {
  return (text) => kit.poster.ephemeral(place, userId, plainMessage(text));
}

/** Adds the bot's ✅ to a person's message that joined a story (a failure is only logged). */
export async function acknowledgeLine(kit: SlackKit, channel: string, ts: string): Promise<void> {
  await kit.poster.react({ channel, ts }, 'white_check_mark').catch((error: Error) => kit.log(`storyloom slack: reaction not added: ${error.message}`));
}
