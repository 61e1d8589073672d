/**
 * Command arguments: checked against the command's definition in commands/, the
 * same way whichever chat they came from. Numbers out of range, unknown choices
 * and missing required options get a UserError naming the option.
 */
import type { CommandDefinition } from '../../commands/index.ts';
import { UserError } from '../stories/errors.ts';

/** Checked arguments, by option name. */
export type Args = Record<string, string | number | undefined>;

/** Checks raw arguments (strings or numbers) against a definition. */
export function checkArgs(def: CommandDefinition, raw: Record<string, unknown>): Args {
  const args: Args = {};
  for (const option of def.options) {
    const value = raw[option.name];
    if (value === undefined || value === null || value === '') {
      if (option.required) {
        const what = option.description.toLowerCase();
        throw new UserError('bad_option', `/${def.name} needs its ${option.name}: ${what}.`);
      }
      continue;
    }
    if (option.type === 'string') {
      const text = String(value);
      if (option.choices && !option.choices.includes(text)) {
        throw new UserError('bad_option', `${option.name} must be one of ${option.choices.join(', ')}.`);
      }
      args[option.name] = text;
      continue;
    }
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    const range = `between ${option.min} and ${option.max}`;
    if (!Number.isFinite(n) || (option.type === 'integer' && !Number.isInteger(n))) {
      const kind = option.type === 'integer' ? 'a whole number' : 'a number';
      throw new UserError('bad_option', `${option.name} must be ${kind} ${range}.`);
    }
    if ((option.min !== undefined && n < option.min) || (option.max !== undefined && n > option.max)) {
      throw new UserError('bad_option', `${option.name} must be ${range}, not ${n}.`);
    }
    args[option.name] = n;
  }
  return args;
}
