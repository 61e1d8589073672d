/**
 * Reading what people type: `/story` text with its `--temperature` and
 * `--length` flags, `/story-admin` actions, and mentions of the bot
 * (`@storyloom add …`). Text arrives in Slack's markup and is read as plain
 * words first.
 */
import { findCommand } from '../../../commands/index.ts';
import { UserError } from '../../core/errors.ts';
import { freeOption } from '../../core/text-command.ts';
import { slackToPlain } from './mrkdwn.ts';

/** `/story` text as core's raw arguments: the opening, plus any `--name value` flags of /story's other options. */
export function storyArgs(text: string): Record<string, string> {
  const def = findCommand('story')!;
  const free = freeOption(def)!;
  const flags = def.options.filter((o) => o !== free).map((o) => o.name);
  const raw: Record<string, string> = {};
  const pattern = new RegExp(`(^|\\s)--(${flags.join('|')})(?:(?:=|\\s+)(?!--)(\\S+))?(?=\\s|$)`, 'g');
  const words = slackToPlain(text).replace(pattern, (_m, space: string, name: string, value: string | undefined) => {
    if (value === undefined) throw new UserError('bad_option', `--${name} needs a value, e.g. /story Once upon a time --${name} ${name === 'length' ? '200' : '0.9'}`);
    raw[name] = value;
    return space;
  });
  raw[free.name] = words.trim();
  return raw;
}

/** `/story-admin` text as core's raw arguments. */
export function adminArgs(text: string): Record<string, string> {
  return { action: slackToPlain(text).trim().split(/\s+/)[0]?.toLowerCase() ?? '' };
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
