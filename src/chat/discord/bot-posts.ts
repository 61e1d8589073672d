/**
 * Role: the bot's own posts in a thread, found again so a line is posted once (on
 * Slack, bot-posts.ts too). On Discord: posting a story line once, even when core
 * asks twice (the bot stopped between posting a line and saving that it did).
 * Every piece of a line is sent with a nonce made from the line id and the piece's
 * number, and `enforce_nonce`: Discord answers a repeat within a few minutes with
 * the message it made the first time. Past that window, a line that may have been
 * posted (`maybePosted`) is first looked for among the thread's newest messages: a
 * message of the bot's with the same content, whose buttons (if it has any) name
 * that line. Fetched messages do not carry their nonce, hence the markers.
 */
import { createHash } from 'node:crypto';
import type { Message, SendableChannels } from 'discord.js';
import { readButtonId } from '../../core/buttons.ts';
import type { Line } from '../../core/types.ts';
import type { Logger } from '../../log.ts';
import { NO_MENTIONS, type Body } from './render.ts';

/** How many of the thread's newest messages a redelivery looks through (one request). */
export const HISTORY_LIMIT = 50;

/** Discord's limit on a string nonce. */
const NONCE_LENGTH = 25;

/** How a line is posted. */
export interface LinePostOptions {
  /** The line may be in the thread already: look before posting. */
  maybePosted: boolean;
  /** The bot's user id (only its own messages count). */
  botId: string;
  /** The thread's newest messages, when the caller has just read them: no second read. */
  recent?: Message[];
  log: Logger;
}

/** The nonce of one piece of a line: 25 characters of a hash of the line id and the piece's number. */
export function lineNonce(lineId: string, piece: number): string {
  return createHash('sha256').update(`storyloom:${lineId}:${piece}`).digest('base64url').slice(0, NONCE_LENGTH);
}

/** Sends the pieces of a line that are not in the thread yet, each with its nonce. */
export async function postLine(
  channel: SendableChannels,
  line: Pick<Line, 'id'>,
  bodies: Body[],
  options: LinePostOptions,
): Promise<void> {
  const recent = options.maybePosted ? (options.recent ?? (await recentMessages(channel, options.log))) : [];
  for (const [piece, body] of bodies.entries()) {
    if (recent.some((message) => isPostOf(message, body, line.id, options.botId))) continue;
    await channel.send({ ...body, nonce: lineNonce(line.id, piece), enforceNonce: true, allowedMentions: NO_MENTIONS });
  }
}

/** The thread's newest messages; none when they cannot be read (the nonces still guard a short gap). */
export async function recentMessages(channel: SendableChannels, log: Logger): Promise<Message[]> {
  if (!('messages' in channel)) return [];
  try {
    return [...(await channel.messages.fetch({ limit: HISTORY_LIMIT, cache: false })).values()];
  } catch (error) {
    const why = (error as Error).message;
    log.warn(`storyloom discord: could not read the thread ${channel.id} before posting a line again: ${why}`);
    return [];
  }
}

/** Whether `message` is the bot's post of `body` for the line: the same content, and no button naming another line. */
function isPostOf(message: Message, body: Body, lineId: string, botId: string): boolean {
  if (message.author.id !== botId || message.content !== body.content) return false;
  return customIdsOf(message).every((id) => (readButtonId(id)?.lineId ?? lineId) === lineId);
}

/** The custom ids of a message's buttons. */
export function customIdsOf(message: Message): string[] {
  return message.components.flatMap((row) => {
    const data = row.toJSON() as { components?: { custom_id?: string }[] };
    return (data.components ?? []).flatMap((component) => (component.custom_id ? [component.custom_id] : []));
  });
}
