/**
 * storyloom's Slack app manifest, made from commands/: the slash commands (with
 * their descriptions and usage hints), the bot scopes and events the adapter
 * needs, interactivity for the buttons, and Socket Mode. With a request URL it
 * is the HTTP-mode manifest instead (Socket Mode off, the URL everywhere).
 */
import { stringify } from 'yaml';
import { SLASH_COMMANDS, slashName, usageHint } from './slack-commands.ts';

/** The bot scopes, each for something the adapter does. */
export const BOT_SCOPES = [
  'app_mentions:read', // @storyloom continue|retry|undo|end|export|add|status|help in story threads
  'channels:history', // replies in story threads, in public channels (message.channels); a thread read before posting a line again, and after a restart
  'chat:write', // story roots, lines, status messages and notices; edits and deletions of them
  'commands', // /story, /story-status, /story-admin
  'files:write', // exports, uploaded into the thread as Markdown
  'groups:history', // replies in story threads, in private channels (message.groups); a thread read before posting a line again, and after a restart
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
        command: slashName(def), ...url, description: def.description,
        ...(usageHint(def) ? { usage_hint: usageHint(def) } : {}), should_escape: false,
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
  '# storyloom\'s Slack app manifest, generated from commands/ by `npm run slack:manifest`.',
  '# Do not edit it by hand: change commands/ or src/chat/slack/slack-manifest.ts and run the script again.',
  '# Create the app with it: https://api.slack.com/apps > Create New App > From an app manifest (see docs/slack.md).',
].join('\n');

/** The manifest as YAML, as committed in commands/slack-manifest.yaml (or the HTTP-mode variant). */
export function manifestYaml(requestUrl?: string): string {
  return `${HEADER}\n${stringify(slackManifest(requestUrl), { lineWidth: 0 })}`;
}
