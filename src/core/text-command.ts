/**
 * Typed commands, for chats where a command is a line of text (the playground,
 * Slack): `/story The lighthouse keeper --temperature 0.9 --length=200`. Options
 * come as `--name value` or `--name=value`; the rest of the line fills the command's
 * one free-text option (the opening, the line), or its first option; a required
 * option with choices besides a free one takes the first word when it is one of
 * them (`/admin pause colab-a100`: {@link leadingOption}). One parser
 * serves every such chat: {@link parseCommandLine} reads a whole line (the
 * playground), {@link parseOptions} the text after a command's name (Slack's
 * slash commands, whose name Slack has read already).
 */
import { COMMANDS, findCommand, type CommandDefinition, type CommandOption } from '../../commands/index.ts';
import { UserError } from '../stories/errors.ts';

/** A parsed command line. */
export interface TextCommand {
  name: string;
  args: Record<string, string>;
}

/** How the parser treats a `--word` that is none of the command's options. */
export interface ParseOptions {
  /**
   * 'refuse' (the default): a UserError that lists the options there are. 'keep': it stays in the free text
   * (Slack's /story, where an opening may well hold "--" words and no error can point at the flag).
   */
  unknownFlags?: 'refuse' | 'keep';
}

/** Parses `/name rest --option value`; throws a UserError for what is not a command. */
export function parseCommandLine(line: string): TextCommand {
  const match = /^\/([a-z][a-z-]*)(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match) throw new UserError('unknown_command', 'Commands start with a slash, like /story The lighthouse keeper.');
  const name = match[1].toLowerCase();
  const def = findCommand(name);
  const all = COMMANDS.map((c) => `/${c.name}`).join(', ');
  if (!def) throw new UserError('unknown_command', `There is no /${name}. Try ${all}.`);
  return { name, args: parseOptions(def, match[2] ?? '') };
}

/** Reads a command's text: its `--name value` (or `--name=value`) options, and the rest as its free text. */
export function parseOptions(def: CommandDefinition, text: string, options: ParseOptions = {}): Record<string, string> {
  const args: Record<string, string> = {};
  const words: string[] = [];
  // Split keeping the spaces, so the free text keeps its own (line breaks, double spaces) where no option was.
  const tokens = text.split(/(\s+)/);
  for (let i = 0; i < tokens.length; i++) {
    const flag = /^--([a-z][a-z_-]*)(?:=(.*))?$/i.exec(tokens[i]);
    const option = flag ? def.options.find((o) => o.name === flag[1].toLowerCase()) : undefined;
    if (flag && !option && options.unknownFlags !== 'keep') throw unknownOption(def, flag[1]);
    if (!flag || !option) {
      words.push(tokens[i]);
      continue;
    }
    const inline = flag[2] !== undefined;
    const value = inline ? flag[2] : tokens[i + 2];
    if (value === undefined || value === '' || value.startsWith('--')) throw missingValue(def, option);
    args[option.name] = value;
    // The value was this token, or the next word after the space.
    if (!inline) i += 2;
  }
  let rest = words.join('').trim();
  const lead = leadingOption(def);
  if (lead && args[lead.name] === undefined) {
    // `/admin pause colab-a100`: the first word is the action, when it is one; the rest is the worker.
    const [first = '', after = ''] = /^(\S+)\s*([\s\S]*)$/.exec(rest)?.slice(1) ?? [];
    const choice = lead.choices?.find((c) => c.toLowerCase() === first.toLowerCase());
    if (choice !== undefined) {
      args[lead.name] = choice;
      rest = after;
    }
  }
  const free = freeOption(def);
  if (rest) {
    if (!free) throw new UserError('bad_option', `/${def.name} takes no text.`);
    args[free.name] = rest;
  }
  return args;
}

/** The option the words of a command line fill: its free-text option, or else its first. */
export function freeOption(def: CommandDefinition): CommandOption | undefined {
  return def.options.find((o) => o.type === 'string' && !o.choices) ?? def.options[0];
}

/**
 * The option a command line's first word fills before its free text (`/admin pause colab-a100`: the action, then
 * the worker): a required option with choices, when the free text is another option's. Given as `--name`, the
 * words are all free text.
 */
export function leadingOption(def: CommandDefinition): CommandOption | undefined {
  const free = freeOption(def);
  return def.options.find((o) => o !== free && o.required && o.choices);
}

/** The error for `--flag` that `def` does not take: its `--` options, and what the rest of the line is. */
export function unknownOption(def: CommandDefinition, flag: string): UserError {
  const free = freeOption(def);
  const flags = def.options.filter((o) => o !== free).map((o) => `--${o.name}`);
  const listed = flags.length ? ` Its options: ${flags.join(', ')}.` : free ? '' : ' It takes no options.';
  const lead = leadingOption(def);
  const first = lead ? `${lead.name}, then its ` : '';
  const rest = free ? ` The rest of the line is its ${first}${free.name}.` : '';
  return new UserError('bad_option', `/${def.name} has no option --${flag}.${listed}${rest}`);
}

/** The error for an option given without a value: how to give one, with the examples of commands/. */
function missingValue(def: CommandDefinition, option: CommandOption): UserError {
  const free = freeOption(def);
  // The words before the flag in the example: the leading option's and the free text's, where they have one.
  const words = [leadingOption(def), free === option ? undefined : free];
  const before = words.map((o) => (o?.example ? ` ${o.example}` : ''));
  const example = option.example ? `, e.g. /${def.name}${before.join('')} --${option.name} ${option.example}` : '.';
  return new UserError('bad_option', `--${option.name} needs a value${example}`);
}
