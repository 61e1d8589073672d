/**
 * The Discord API errors the adapter handles itself: an interaction token that no
 * longer works (the bot is past the 3 s deadline, or the token's 15 minutes are
 * up), and a permission the bot lacks. Everything else goes to the error edge.
 */
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { UserError } from '../../stories/errors.ts';

const TOKEN_GONE = new Set<number | string>([
  RESTJSONErrorCodes.UnknownInteraction, // 10062: answered after the 3 s deadline
  RESTJSONErrorCodes.InvalidWebhookToken, // 50027 (401): the token expired
  RESTJSONErrorCodes.UnknownWebhook, // 10015 (404): the token expired
]);

/** True when an interaction's token can no longer be used: post with the bot token instead. */
export function isTokenGone(error: unknown): boolean {
  return error instanceof DiscordAPIError && TOKEN_GONE.has(error.code);
}

/** True when Discord refused because the bot lacks a permission or access in that channel. */
export function isMissingPermission(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError)) return false;
  return error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess;
}

/** What to tell a user when the bot lacks a permission where they asked. */
export function missingPermissionError(): UserError {
  return new UserError(
    'forbidden',
    'storyloom is missing a permission in this channel (it needs View Channel, Send Messages, Send Messages in ' +
      'Threads, Create Public Threads, Attach Files and Read Message History). Ask a server admin to fix its role, ' +
      'or to invite it again with the link from `npm run deploy:discord -- --invite`.',
  );
}
