/**
 * Typed commands, for chats where a command is a line of text (the playground,
 * Slack): `/story The lighthouse keeper --temperature 0.9 --length 200`. Options
 * come as `--name value`; the rest of the line fills the command's one free-text
 * option (the opening, the line), or its first option.
 */
import { COMMANDS, findCommand, type CommandDefinition, type CommandOption } from '../../commands/index.ts';
import { UserError } from './errors.ts';

/** A parsed command line. */
export interface TextCommand {
  name: string;
  args: Record<string, string>;
}

/** Parses `/name rest --option value`; throws a UserError for what is not a command. */
export function parseCommandLine(line: string): TextCommand {
  const match = /^\/([a-z][a-z-]*)(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match) throw new UserError('unknown_command', 'Commands start with a slash, like /story The lighthouse keeper.');
  const name = match[1].toLowerCase();
  const def = findCommand(name);
  if (!def) throw new UserError('unknown_command', `There is no /${name}. Try ${COMMANDS.map((c) => `/${c.name}`).join(', ')}.`);
  const args: Record<string, string> = {};
  const words: string[] = [];
  const tokens = (match[2] ?? '').split(/(\s+)/);
  for (let i = 0; i < tokens.length; i++) {
    const flag = /^--([a-z][a-z_-]*)$/i.exec(tokens[i]);
    const option = flag ? def.options.find((o) => o.name === flag[1].toLowerCase()) : undefined;
    if (flag && !option) throw unknownOption(def, flag[1]);
    if (option) {
      const value = tokens[i + 2];
      if (value === undefined || value === '') throw new UserError('bad_option', `--${option.name} needs a value.`);
      args[option.name] = value;
      i += 2;
    } else words.push(tokens[i]);
  }
  const rest = words.join('').trim();
  const free = freeOption(def);
  if (rest) {
    if (!free) throw new UserError('bad_option', `/${name} takes no text.`);
    args[free.name] = rest;
  }
  return { name, args };
}

/** The option the words of a command line fill: its free-text option, or else its first. */
export function freeOption(def: CommandDefinition): CommandOption | undefined {
  return def.options.find((o) => o.type === 'string' && !o.choices) ?? def.options[0];
}

/** The error for `--flag` that `def` does not take: its `--` options, and what the rest of the line is. */
export function unknownOption(def: CommandDefinition, flag: string): UserError {
  const free = freeOption(def);
  const flags = def.options.filter((o) => o !== free).map((o) => `--${o.name}`);
  const listed = flags.length ? ` Its options: ${flags.join(', ')}.` : free ? '' : ' It takes no options.';
  const rest = free ? ` The rest of the line is its ${free.name}.` : '';
  return new UserError('bad_option', `/${def.name} has no option --${flag}.${listed}${rest}`);
}
