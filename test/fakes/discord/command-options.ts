import {
  ApplicationCommandOptionType as T,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type InteractionType,
} from 'discord.js';

/** A command's option values by name, or the raw `data.options` array to send as is. */
export type CommandOptionsInput =
  | Record<string, string | number | boolean>
  | APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>[];

type DataOption = APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>;
type BasicOption = APIApplicationCommandInteractionDataBasicOption<InteractionType.ApplicationCommand>;

/** Which subcommand (and group) a command invocation runs. */
export interface SubcommandPath {
  subcommand?: string;
  subcommandGroup?: string;
}

/**
 * Builds `data.options` the way a Discord client would. With the command
 * registered, option types come from its definition, and unknown options,
 * missing required ones, unknown subcommands and wrong value types throw.
 * Unregistered, types are inferred: string 3, boolean 5, integer 4, other numbers 10.
 */
export function buildCommandOptions(
  input: CommandOptionsInput | undefined,
  path: SubcommandPath,
  command: APIApplicationCommand | undefined,
): DataOption[] {
  const definitions = definitionsFor(command, path);
  const basic = Array.isArray(input)
    ? input
    : Object.entries(input ?? {}).map(([name, value]) => basicOption(name, value, definitions, command));
  if (definitions && !Array.isArray(input)) checkRequired(definitions, basic, command!);
  if (!path.subcommand) return basic;
  const sub = { type: T.Subcommand, name: path.subcommand, options: basic as BasicOption[] } as const;
  return path.subcommandGroup ? [{ type: T.SubcommandGroup, name: path.subcommandGroup, options: [sub] }] : [sub];
}

function definitionsFor(
  command: APIApplicationCommand | undefined,
  path: SubcommandPath,
): APIApplicationCommandOption[] | undefined {
  if (!command) return undefined;
  let options = command.options ?? [];
  for (const name of [path.subcommandGroup, path.subcommand]) {
    if (name === undefined) continue;
    const found = options.find((o) => o.name === name && (o.type === T.Subcommand || o.type === T.SubcommandGroup));
    if (!found || !('options' in found)) throw new Error(`/${command.name} has no subcommand or group "${name}"`);
    options = (found.options ?? []) as APIApplicationCommandOption[];
  }
  return options;
}

function basicOption(
  name: string,
  value: string | number | boolean,
  definitions: APIApplicationCommandOption[] | undefined,
  command?: APIApplicationCommand,
): BasicOption {
  const definition = definitions?.find((o) => o.name === name);
  if (definitions && !definition) throw new Error(`/${command?.name} has no option "${name}"`);
  const type = definition?.type ?? inferType(value);
  const expected: Partial<Record<T, (v: unknown) => boolean>> = {
    [T.String]: (v) => typeof v === 'string',
    [T.Integer]: (v) => Number.isInteger(v),
    [T.Number]: (v) => typeof v === 'number',
    [T.Boolean]: (v) => typeof v === 'boolean',
  };
  const check = expected[type];
  if (!check) throw new Error(`option "${name}" has type ${type}; pass raw data.options for it`);
  if (!check(value)) throw new Error(`option "${name}" (type ${type}) cannot take ${JSON.stringify(value)}`);
  return { name, type, value } as BasicOption;
}

function inferType(value: string | number | boolean): T {
  if (typeof value === 'string') return T.String;
  if (typeof value === 'boolean') return T.Boolean;
  return Number.isInteger(value) ? T.Integer : T.Number;
}

function checkRequired(
  definitions: APIApplicationCommandOption[],
  given: DataOption[],
  command: APIApplicationCommand,
): void {
  for (const definition of definitions) {
    const required = 'required' in definition && definition.required === true;
    if (required && !given.some((o) => o.name === definition.name)) {
      throw new Error(`/${command.name} needs option "${definition.name}"`);
    }
  }
}
