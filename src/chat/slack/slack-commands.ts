/**
 * How commands/ looks on Slack. Channel commands are slash commands (`/story`,
 * `/story-status`, `/story-admin`); a slash command carries no thread, so the
 * thread commands are mentions of the bot in the story's thread
 * (`@storyloom continue`), besides the buttons and plain thread replies.
 */
import { COMMANDS, type CommandDefinition, type CommandOption } from '../../../commands/index.ts';

/** The commands that are Slack slash commands. */
export const SLASH_COMMANDS: readonly CommandDefinition[] = COMMANDS.filter((c) => c.scope === 'channel');

/** The commands given by mentioning the bot in a story's thread. */
export const MENTION_COMMANDS: readonly CommandDefinition[] = COMMANDS.filter((c) => c.scope === 'thread');

/** A command's Slack name: `/story`, and `/story-<name>` for the others. */
export function slashName(def: CommandDefinition): string {
  return def.name === 'story' ? '/story' : `/story-${def.name}`;
}

function range(option: CommandOption): string {
  return option.min !== undefined && option.max !== undefined ? `${option.min}-${option.max}` : option.type;
}

function optionHint(option: CommandOption, first: boolean): string {
  if (option.choices) return option.required ? option.choices.join(' | ') : `[${option.choices.join(' | ')}]`;
  if (option.type === 'string' && first) return option.required ? `<${option.name}>` : `[${option.name}]`;
  return `[--${option.name} ${range(option)}]`;
}

/** The usage hint Slack shows while typing a slash command (empty for a command without options). */
export function usageHint(def: CommandDefinition): string {
  return def.options.map((option, i) => optionHint(option, i === 0)).join(' ');
}

function mentionUsage(def: CommandDefinition): string {
  const text = def.options.find((o) => o.type === 'string' && o.required);
  return text ? `${def.name} <${text.name}>` : def.name;
}

/** The help a mention of the bot answers with, from commands/. */
export function mentionHelp(): string {
  return [
    'Mention @storyloom in a story’s thread with one of:',
    ...MENTION_COMMANDS.map((def) => `• ${mentionUsage(def)}: ${def.description}`),
    '• status: worker health, the queue, and your lines',
    'Replies in a story’s thread join the story as lines. Start a story with /story.',
  ].join('\n');
}
