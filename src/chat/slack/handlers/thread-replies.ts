/**
 * Replies in a story's thread join the story as lines (a slash command carries no
 * thread, so this is how people write). Only plain replies by people count: bot
 * messages, edits, deletions and other subtypes are ignored, and so are replies
 * that mention the bot (those are commands, for the mention handler) and replies
 * to an ended story (people may talk about it). The bot reacts with ✅ to a line
 * it took; a retried event (same event_id) or a message seen before is ignored.
 */
import type { App } from '@slack/bolt';
import { guard } from '../edge.ts';
import { contextFor } from '../context.ts';
import { acknowledgeLine, firstTime, type SlackParts, tellEphemeral } from '../parts.ts';
import { slackToPlain } from '../mrkdwn.ts';
import type { SlackPlace } from '../poster.ts';

/** The fields of a message event the handler reads. */
interface ThreadMessage {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
}

/** Subtypes that are still a person's reply: none, or a reply also sent to the channel. */
const HUMAN_SUBTYPES = new Set([undefined, 'thread_broadcast']);

/** True for a person's reply inside a thread that is not a command to the bot. */
export function isHumanReply(
  message: ThreadMessage,
  botUserId: string | undefined,
): message is ThreadMessage & { user: string; thread_ts: string } {
  if (!HUMAN_SUBTYPES.has(message.subtype) || message.bot_id) return false;
  if (!message.user || message.user === botUserId) return false;
  if (!message.thread_ts || message.thread_ts === message.ts) return false;
  return !(botUserId && (message.text ?? '').includes(`<@${botUserId}`));
}

/** Registers the thread-reply handler. */
export function registerThreadReplies(app: App, parts: SlackParts): void {
  app.event('message', async ({ event, body, context }) => {
    const message = event as unknown as ThreadMessage;
    if (!isHumanReply(message, context.botUserId)) return;
    const story = parts.core.storyInThread('slack', message.thread_ts);
    if (!story || story.status === 'ended') return;
    if (!firstTime(parts, [`event:${body.event_id}`, `message:${message.channel}:${message.ts}`], context)) return;
    const place: SlackPlace = { channel: message.channel, thread: message.thread_ts };
    await guard('a thread reply', parts.log, tellEphemeral(parts, place, message.user), async () => {
      const ctx = await contextFor(parts.people, message.user, place);
      await parts.core.addLine(ctx, story.id, slackToPlain(message.text ?? ''));
      await acknowledgeLine(parts, message.channel, message.ts);
    });
  });
}
