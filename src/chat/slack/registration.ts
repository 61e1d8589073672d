/**
 * Role: how commands/ is registered with the platform (on Discord, registration.ts
 * too). On Slack, channel commands are slash commands (`/story`, `/story-status`,
 * `/story-admin`, `/story-candidates`), registered through the app manifest made
 * here: the slash commands (with their descriptions and usage hints), the bot
 * scopes and events the adapter needs, interactivity for the buttons, and Socket
 * Mode (with a request URL it is the HTTP-mode manifest instead: Socket Mode off,
 * the URL everywhere). A slash command carries no thread, so the thread commands
 * are mentions of the bot in the story's thread (`@storyloom continue`,
 * `@storyloom vote 2`), besides the buttons and plain thread replies; /candidates
 * is both: the slash command sets the channel's number, a mention in a story's
 * thread the story's.
 */
import { stringify } from 'yaml';
import { COMMANDS, type CommandDefinition, type CommandOption } from '../../../commands/index.ts';
import { freeOption, leadingOption } from '../../core/text-command.ts';

/** The commands that are Slack slash commands. */
export const SLASH_COMMANDS: readonly CommandDefinition[] = COMMANDS.filter((c) => c.scope === 'channel');

/** Channel commands that are mentions too: given in a story's thread, they act on that story. */
const ALSO_MENTIONED = new Set(['candidates']);

/** The commands given by mentioning the bot in a story's thread. */
export const MENTION_COMMANDS: readonly CommandDefinition[] = COMMANDS.filter(
  (c) => c.scope === 'thread' || ALSO_MENTIONED.has(c.name),
);

/** A command's Slack name: `/story`, and `/story-<name>` for the others. */
export function slashName(def: CommandDefinition): string {
  return def.name === 'story' ? '/story' : `/story-${def.name}`;
}

function range(option: CommandOption): string {
  return option.min !== undefined && option.max !== undefined ? `${option.min}-${option.max}` : option.type;
}

/**
 * An option in a usage hint. The words after the command fill its free option (core/text-command.ts), after its
 * leading one if it has one: shown bare (`<opening>`, `<count 1-5>`, `restart | reload [worker]`); the others are
 * `--name value` flags.
 */
function optionHint(option: CommandOption, free: boolean): string {
  const choices = option.choices?.join(' | ');
  if (!free) return `[--${option.name} ${choices ?? range(option)}]`;
  if (choices) return option.required ? choices : `[${choices}]`;
  const shown = option.type === 'string' ? option.name : `${option.name} ${range(option)}`;
  return option.required ? `<${shown}>` : `[${shown}]`;
}

/** The usage hint Slack shows while typing a slash command (empty for a command without options). */
export function usageHint(def: CommandDefinition): string {
  const free = freeOption(def);
  const lead = leadingOption(def);
  // A leading option (/story-admin's action) comes first, bare, as the words do.
  const ordered = lead ? [lead, ...def.options.filter((o) => o !== lead)] : def.options;
  return ordered.map((option) => optionHint(option, option === free || option === lead)).join(' ');
}

function mentionUsage(def: CommandDefinition): string {
  const option = def.options.find((o) => o.required);
  return option ? `${def.name} <${option.name}>` : def.name;
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

/** The bot scopes, each for something the adapter does. */
export const BOT_SCOPES = [
  // @storyloom continue|vote|pick|candidates|retry|undo|branch|branches|switch|end|export|add|status|help in threads
  'app_mentions:read',
  // Replies in story threads, in public channels (message.channels); a thread read before posting a line again,
  // and after a restart.
  'channels:history',
  'chat:write', // story roots, lines, status messages and notices; edits and deletions of them
  'commands', // /story, /story-status, /story-admin, /story-candidates
  'files:write', // exports, uploaded into the thread as Markdown
  // The same in private channels (message.groups).
  'groups:history',
  'metadata.message:read', // the metadata naming each line post and status message, in those reads
  'reactions:write', // ✅ on a reply that joined a story
  'users:read', // people's display names, for attribution and exports
] as const;

/** The events the adapter listens to. */
export const BOT_EVENTS = ['app_mention', 'message.channels', 'message.groups'] as const;

/** The manifest as an object; `requestUrl` makes the HTTP-mode variant. */
export function slackManifest(requestUrl?: string): Record<string, unknown> {
  const url = requestUrl ? { url: requestUrl } : {};
  const request = requestUrl ? { request_url: requestUrl } : {};
  return {
    display_information: {
      name: 'storyloom',
      description: 'Write stories together with a character-level LSTM, line by line, in threads.',
      background_color: '#2b2d42',
    },
    features: {
      bot_user: { display_name: 'storyloom', always_online: true },
      slash_commands: SLASH_COMMANDS.map((def) => ({
        command: slashName(def),
        ...url,
        description: def.description,
        ...(usageHint(def) ? { usage_hint: usageHint(def) } : {}),
        should_escape: false,
      })),
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...request, bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...request },
      org_deploy_enabled: false,
      socket_mode_enabled: !requestUrl,
      token_rotation_enabled: false,
    },
  };
}

const HEADER = [
  "# storyloom's Slack app manifest, generated from commands/ by `npm run slack:manifest`.",
  '# Do not edit it by hand: change commands/ or src/chat/slack/registration.ts and run the script again.',
  '# Create the app with it: https://api.slack.com/apps > Create New App > From an app manifest (see docs/slack.md).',
].join('\n');

/** The manifest as YAML, as committed in commands/slack-manifest.yaml (or the HTTP-mode variant). */
export function manifestYaml(requestUrl?: string): string {
  return `${HEADER}\n${stringify(slackManifest(requestUrl), { lineWidth: 0 })}`;
}
