/**
 * Reading what people type: `/story` text with its `--temperature` and
 * `--length` flags, `/story-admin` actions and workers, and mentions of the bot
 * (`@storyloom add …`). Text arrives in Slack's markup and is read as plain
 * words first.
 */
import { findCommand } from '../../../commands/index.ts';
import { parseOptions } from '../../core/text-command.ts';
import { slackToPlain } from './mrkdwn.ts';

/**
 * `/story` text as core's raw arguments: the opening, plus any `--name value` flags of /story's other options.
 * Other `--words` stay in the opening: Slack shows no error next to the flag, and openings hold dashes.
 */
export function storyArgs(text: string): Record<string, string> {
  return parseOptions(findCommand('story')!, slackToPlain(text), { unknownFlags: 'keep' });
}

/**
 * `/story-admin` text as core's raw arguments: the action, then the worker (`pause colab-a100`, `drain all`, or
 * `--worker all`), read as typed commands are (core/text-command.ts). Throws a UserError for a flag it lacks or
 * one without a value.
 */
export function adminArgs(text: string): Record<string, string> {
  return parseOptions(findCommand('admin')!, slackToPlain(text));
}

/** A mention of the bot, read: the verb (lower case) and the rest of the text. */
export interface MentionCommand {
  verb: string;
  rest: string;
}

/** Reads `<@BOT> verb rest…`; mentions of the bot anywhere in the text are dropped. */
export function mentionCommand(text: string, botUserId: string | undefined): MentionCommand {
  const withoutBot = botUserId ? text.replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g'), ' ') : text;
  const plain = slackToPlain(withoutBot).trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(plain);
  return match ? { verb: match[1].toLowerCase().replace(/^\//, ''), rest: match[2].trim() } : { verb: '', rest: '' };
}
