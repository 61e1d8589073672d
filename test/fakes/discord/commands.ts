import { ApplicationCommandType, type APIApplicationCommand } from 'discord.js';
import { apiError, ErrorCode, FormErrorCollector } from './errors.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import { isObject, maxLength } from './validation.ts';

type Json = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const GLOBAL = 'global';

/**
 * Registered application commands, global and per guild. Bulk overwrites keep the
 * id of a command whose name and type stay the same, as Discord does.
 */
export class CommandRegistry {
  private readonly scopes = new Map<string, APIApplicationCommand[]>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly applicationId: string,
  ) {}

  /** Replaces every command of a scope (`guildId`, or null for global); throws 50035 on bad input. */
  overwrite(guildId: string | null, bodies: unknown): APIApplicationCommand[] {
    const list = Array.isArray(bodies) ? bodies : [];
    const errors = new FormErrorCollector();
    if (!Array.isArray(bodies)) errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    maxLength(errors, [], list, 100);
    const seen = new Set<string>();
    list.forEach((body, i) => {
      validateCommand(errors, [i], body);
      const key = isObject(body) ? `${String(body.type ?? 1)}:${String(body.name)}` : '';
      if (seen.has(key))
        errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
      seen.add(key);
    });
    errors.throwIfAny();
    const previous = this.list(guildId);
    const commands = (list as Json[]).map((body) => this.build(guildId, body, previous));
    this.scopes.set(guildId ?? GLOBAL, commands);
    return commands;
  }

  /** Creates or updates one command by name; says whether it was new (201) or not (200). */
  upsert(guildId: string | null, body: unknown): { command: APIApplicationCommand; created: boolean } {
    const errors = new FormErrorCollector();
    validateCommand(errors, [], body);
    errors.throwIfAny();
    const previous = this.list(guildId);
    const command = this.build(guildId, body as Json, previous);
    const others = previous.filter((c) => c.id !== command.id);
    this.scopes.set(guildId ?? GLOBAL, [...others, command]);
    return { command, created: !previous.some((c) => c.id === command.id) };
  }

  /** The commands of a scope (`guildId`, or null for global). */
  list(guildId: string | null): APIApplicationCommand[] {
    return this.scopes.get(guildId ?? GLOBAL) ?? [];
  }

  /** Returns one command of a scope, or throws 404 Unknown application command. */
  get(guildId: string | null, id: string): APIApplicationCommand {
    const command = this.list(guildId).find((c) => c.id === id);
    if (!command) throw apiError(ErrorCode.UnknownApplicationCommand);
    return command;
  }

  /** Deletes one command of a scope, or throws 404 Unknown application command. */
  delete(guildId: string | null, id: string): void {
    this.get(guildId, id);
    this.scopes.set(
      guildId ?? GLOBAL,
      this.list(guildId).filter((c) => c.id !== id),
    );
  }

  /** Finds the chat-input command a user would run by name in a guild: guild scope first, then global. */
  resolve(name: string, guildId: string): APIApplicationCommand | undefined {
    const isChatInput = (c: APIApplicationCommand) => c.name === name && c.type === ApplicationCommandType.ChatInput;
    return this.list(guildId).find(isChatInput) ?? this.list(null).find(isChatInput);
  }

  private build(guildId: string | null, body: Json, previous: APIApplicationCommand[]): APIApplicationCommand {
    const type = Number(body.type ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
    const kept = previous.find((c) => c.name === body.name && c.type === type);
    return {
      id: kept?.id ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      type,
      name: String(body.name),
      name_localizations: (body.name_localizations as APIApplicationCommand['name_localizations']) ?? null,
      description: String(body.description ?? ''),
      description_localizations:
        (body.description_localizations as APIApplicationCommand['description_localizations']) ?? null,
      ...(Array.isArray(body.options) ? { options: body.options as APIApplicationCommand['options'] } : {}),
      default_member_permissions:
        body.default_member_permissions == null ? null : String(body.default_member_permissions),
      nsfw: body.nsfw === true,
      integration_types: (body.integration_types as APIApplicationCommand['integration_types']) ?? [0],
      contexts: (body.contexts as APIApplicationCommand['contexts']) ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }
}

function validateCommand(errors: FormErrorCollector, path: Path, body: unknown): void {
  if (!isObject(body)) {
    errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return;
  }
  const chatInput = Number(body.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
  checkName(errors, [...path, 'name'], body.name, chatInput);
  if (chatInput) checkDescription(errors, [...path, 'description'], body.description);
  if (Array.isArray(body.options)) checkOptions(errors, [...path, 'options'], body.options);
}

function checkOptions(errors: FormErrorCollector, path: Path, options: unknown[]): void {
  maxLength(errors, path, options, 25);
  options.forEach((option, i) => {
    if (!isObject(option)) return;
    checkName(errors, [...path, i, 'name'], option.name, true);
    checkDescription(errors, [...path, i, 'description'], option.description);
    if (Array.isArray(option.choices)) maxLength(errors, [...path, i, 'choices'], option.choices, 25);
    if (Array.isArray(option.options)) checkOptions(errors, [...path, i, 'options'], option.options);
  });
}

function checkName(errors: FormErrorCollector, path: Path, name: unknown, lowercase: boolean): void {
  const text = typeof name === 'string' ? name : '';
  if (text.length < 1 || text.length > 32) {
    errors.add(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  } else if (lowercase && (!NAME.test(text) || text !== text.toLowerCase())) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function checkDescription(errors: FormErrorCollector, path: Path, description: unknown): void {
  const length = typeof description === 'string' ? description.length : 0;
  if (length < 1 || length > 100) errors.add(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
}
