/**
 * Typed commands, for chats where a command is a line of text (the playground,
 * Slack): `/story The lighthouse keeper --temperature 0.9 --length 200`. Options
 * come as `--name value`; the rest of the line fills the command's one free-text
 * option (the seed, the line), or its first option.
 */
import { COMMANDS, findCommand } from '../../commands/index.ts';
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
    if (flag && !option) throw new UserError('bad_option', `/${name} has no option --${flag[1]}. Its options: ${def.options.map((o) => o.name).join(', ') || 'none'}.`);
    if (option) {
      const value = tokens[i + 2];
      if (value === undefined || value === '') throw new UserError('bad_option', `--${option.name} needs a value.`);
      args[option.name] = value;
      i += 2;
    } else words.push(tokens[i]);
  }
  const rest = words.join('').trim();
  const free = def.options.find((o) => o.type === 'string' && !o.choices) ?? def.options[0];
  if (rest) {
    if (!free) throw new UserError('bad_option', `/${name} takes no text.`);
    args[free.name] = rest;
  }
  return { name, args };
}
