/**
 * commands/slack-manifest.yaml is what commands/ gives: regenerating it must
 * give the committed file, and its slash commands, hints, scopes and events
 * must match what the adapter handles.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../../commands/index.ts';
import {
  BOT_EVENTS,
  BOT_SCOPES,
  MENTION_COMMANDS,
  manifestYaml,
  mentionHelp,
  slashName,
} from '../../../src/chat/slack/registration.ts';
import { CONTROL_COMMANDS } from '../../../src/jobs/protocol.ts';
import { ROOT } from '../../helpers/python.ts';

const MANIFEST = `${ROOT}commands/slack-manifest.yaml`;

interface SlashCommand {
  command: string;
  description: string;
  usage_hint?: string;
  url?: string;
  should_escape: boolean;
}

describe('the Slack app manifest', () => {
  it('is what regenerating it from commands/ gives', () => {
    // `npm run slack:manifest -- --check` says the same as a program (test/cli/slack-manifest.test.ts).
    expect(readFileSync(MANIFEST, 'utf8')).toBe(manifestYaml());
  });

  it('has a slash command for each channel command of commands/, with its description and usage hint', () => {
    const manifest = parse(readFileSync(MANIFEST, 'utf8'));
    const commands = manifest.features.slash_commands as SlashCommand[];
    const channelCommands = COMMANDS.filter((c) => c.scope === 'channel');
    expect(commands.map((c) => c.command)).toEqual(['/story', '/story-candidates', '/story-status', '/story-admin']);
    for (const def of channelCommands) {
      const command = commands.find((c) => c.command === slashName(def))!;
      expect(command.description).toBe(def.description);
      expect(command.should_escape).toBe(false);
      for (const option of def.options) {
        expect(command.usage_hint ?? '').toContain(option.choices ? option.choices[0] : option.name);
      }
    }
    expect(commands.find((c) => c.command === '/story')!.usage_hint).toBe(
      '<opening> [--temperature 0.1-2] [--length 20-1000] [--candidates 1-5] ' +
        '[--style any | general | mystery | science-fiction | adventure | romance | humor | austen | melville]',
    );
    // The words after /story-candidates are its count; `for` is a flag (core/text-command.ts reads them so).
    expect(commands.find((c) => c.command === '/story-candidates')!.usage_hint).toBe(
      '<count 1-5> [--for story | channel]',
    );
    // The action first, then the worker (an id, or all): `/story-admin pause colab-a100`.
    expect(commands.find((c) => c.command === '/story-admin')!.usage_hint).toBe(
      `${CONTROL_COMMANDS.join(' | ')} [worker]`,
    );
  });

  it('offers every thread command of commands/ as a mention, and /candidates (a story’s own number)', () => {
    const threadCommands = COMMANDS.filter((c) => c.scope === 'thread' || c.name === 'candidates').map((c) => c.name);
    expect(MENTION_COMMANDS.map((c) => c.name)).toEqual(threadCommands);
    expect(threadCommands).toEqual(expect.arrayContaining(['vote', 'pick', 'candidates']));
    for (const def of MENTION_COMMANDS) expect(mentionHelp()).toContain(`• ${def.name}`);
    expect(mentionHelp()).toContain('• add <text>: Add your own line to this story');
  });

  it('asks for the scopes and events the adapter uses, with interactivity and Socket Mode on', () => {
    const manifest = parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    const needed = [
      'commands',
      'chat:write',
      'app_mentions:read',
      'channels:history',
      'groups:history',
      'files:write',
      'reactions:write',
    ];
    for (const scope of needed) {
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([...BOT_EVENTS]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.display_information.name).toBe('storyloom');
  });

  it('has an HTTP-mode variant with the request URL everywhere and Socket Mode off', () => {
    const url = 'https://storyloom.example.com/slack/events';
    const manifest = parse(manifestYaml(url));
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    expect(manifest.settings.interactivity.request_url).toBe(url);
    expect((manifest.features.slash_commands as SlashCommand[]).every((c) => c.url === url)).toBe(true);
  });
});
