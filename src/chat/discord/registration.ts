/**
 * Role: how commands/ is registered with the platform (on Slack, registration.ts
 * too). On Discord: application commands, built from the platform-neutral
 * definitions in commands/: option types, required flags, min/max, max length and
 * choices carry over as they are. `/admin` asks for Manage Server by default (its
 * first gate; DISCORD_ADMIN_IDS is the second). Commands are guild-only; the
 * thread commands work inside story threads like anywhere in a server.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  REST,
  Routes,
  type APIApplicationCommand,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { COMMANDS, type CommandDefinition, type CommandOption } from '../../../commands/index.ts';
import type { Config } from '../../config.ts';

const OPTION_TYPES = {
  string: ApplicationCommandOptionType.String,
  number: ApplicationCommandOptionType.Number,
  integer: ApplicationCommandOptionType.Integer,
} as const;

function optionPayload(option: CommandOption): APIApplicationCommandBasicOption {
  const payload: Record<string, unknown> = {
    type: OPTION_TYPES[option.type],
    name: option.name,
    description: option.description,
    required: option.required ?? false,
  };
  if (option.min !== undefined) payload.min_value = option.min;
  if (option.max !== undefined) payload.max_value = option.max;
  if (option.maxLength !== undefined) payload.max_length = option.maxLength;
  if (option.choices) payload.choices = option.choices.map((choice) => ({ name: choice, value: choice }));
  return payload as unknown as APIApplicationCommandBasicOption;
}

/** One command's registration payload. */
export function commandPayload(command: CommandDefinition): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: command.description,
    options: command.options.map(optionPayload),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    ...(command.admin ? { default_member_permissions: PermissionFlagsBits.ManageGuild.toString() } : {}),
  };
}

/** Every storyloom command, as the bulk-overwrite body Discord takes. */
export function applicationCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map(commandPayload);
}

/** Where commands were registered, and which. */
export interface Deployment {
  scope: 'guild' | 'global';
  guildId: string | null;
  names: string[];
}

/**
 * Registers every command, replacing what was there: in DISCORD_GUILD_ID when
 * set (instant; for development), else globally (all servers; Discord may take a
 * while to show changes). With `clear`, removes them from that scope instead.
 */
export async function deployCommands(config: Config, options: { clear?: boolean } = {}): Promise<Deployment> {
  const { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: applicationId, DISCORD_GUILD_ID: guildId } = config;
  if (!token || !applicationId) {
    const needs = 'DISCORD_TOKEN and DISCORD_APPLICATION_ID';
    throw new Error(`storyloom: deploying commands needs ${needs}. See docs/discord.md.`);
  }
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(token);
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const body = options.clear ? [] : applicationCommands();
  const registered = (await rest.put(route, { body })) as APIApplicationCommand[];
  return { scope: guildId ? 'guild' : 'global', guildId: guildId ?? null, names: registered.map((c) => c.name) };
}
