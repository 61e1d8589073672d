/**
 * Command registration and the invite: the payload built from commands/, and the
 * bulk overwrite (per server or global) against the Discord fake's REST. The
 * `npm run deploy:discord` program itself is tested in test/cli/deploy-discord.test.ts.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../../commands/story.ts';
import { COMMANDS, findCommand } from '../../../commands/index.ts';
import { inviteUrl } from '../../../src/chat/discord/invite.ts';
import { applicationCommands, deployCommands } from '../../../src/chat/discord/registration.ts';
import { parseConfig } from '../../../src/config.ts';
import { startDiscordFake, type DiscordFake, type FakeGuild } from '../../fakes/discord/index.ts';

describe('Discord: command registration and the invite', () => {
  let fake: DiscordFake;
  let guild: FakeGuild;
  beforeAll(async () => {
    fake = await startDiscordFake();
    guild = fake.addGuild({ name: 'Writers', channels: ['stories'] });
  });
  afterAll(() => fake?.close());

  const env = (guildId?: string) => ({
    DISCORD_TOKEN: fake.botToken,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.restUrl,
    ...(guildId ? { DISCORD_GUILD_ID: guildId } : {}),
  });

  it('builds one command per definition in commands/, with their options, limits, choices and the admin gate', () => {
    const payload = applicationCommands();
    expect(payload.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    for (const [i, def] of COMMANDS.entries()) {
      const command = payload[i];
      expect(command).toMatchObject({ type: 1, description: def.description, contexts: [0], integration_types: [0] });
      const wanted = def.options.map((o) => [o.name, o.description, o.required ?? false]);
      expect(command.options!.map((o) => [o.name, o.description, o.required])).toEqual(wanted);
      expect(command.default_member_permissions).toBe(def.admin ? String(PermissionFlagsBits.ManageGuild) : undefined);
    }
    expect(payload.find((c) => c.name === 'story')!.options).toEqual([
      { type: 3, name: 'opening', description: 'The words the story begins with', required: true, max_length: 1000 },
      {
        type: 10,
        name: 'temperature',
        description: 'How adventurous the model is, 0.1 to 2 (default 0.8)',
        required: false,
        min_value: 0.1,
        max_value: 2,
      },
      {
        type: 4,
        name: 'length',
        description: 'The most characters in a model line, 20 to 1000 (default 280)',
        required: false,
        min_value: 20,
        max_value: 1000,
      },
      {
        type: 4,
        name: 'candidates',
        description: 'Write this many candidate lines, 1 to 5, and let the channel vote (1: no vote)',
        required: false,
        min_value: 1,
        max_value: 5,
      },
      {
        type: 3,
        name: 'style',
        description: 'A voice for the model: a Brown fiction category, austen or melville (default any)',
        required: false,
        choices: STYLES.map((s) => ({ name: s, value: s })),
      },
    ]);
    expect(payload.find((c) => c.name === 'continue')!.options).toEqual([
      expect.objectContaining({ type: 4, name: 'candidates', required: false, min_value: 1, max_value: 5 }),
    ]);
    // The vote's commands: a candidate's number (1 to 5), and how many candidates, for a story or its channel.
    const candidate = { type: 4, name: 'candidate', required: true, min_value: 1, max_value: 5 };
    expect(payload.find((c) => c.name === 'vote')!.options).toEqual([expect.objectContaining(candidate)]);
    expect(payload.find((c) => c.name === 'pick')!.options).toEqual([expect.objectContaining(candidate)]);
    expect(payload.find((c) => c.name === 'candidates')!.options).toEqual([
      expect.objectContaining({ type: 4, name: 'count', required: true, min_value: 1, max_value: 5 }),
      expect.objectContaining({
        type: 3,
        name: 'for',
        required: false,
        choices: ['story', 'channel'].map((c) => ({ name: c, value: c })),
      }),
    ]);
    expect(payload.find((c) => c.name === 'add')!.options).toEqual([
      { type: 3, name: 'text', description: 'Your line', required: true, max_length: 1000 },
    ]);
    const admin = payload.find((c) => c.name === 'admin')!;
    expect(admin.default_member_permissions).toBe('32');
    expect(admin.options).toEqual([
      {
        type: 3,
        name: 'action',
        description: findCommand('admin')!.options[0].description,
        required: true,
        choices: ['restart', 'reload', 'pause', 'resume', 'drain'].map((a) => ({ name: a, value: a })),
      },
      // A worker's id, or all; without it, the worker /admin picked before there were several.
      {
        type: 3,
        name: 'worker',
        description: findCommand('admin')!.options[1].description,
        required: false,
        max_length: 200,
      },
    ]);
  });

  it(
    'bulk-overwrites the server’s commands when DISCORD_GUILD_ID is set, ' + 'and the global ones otherwise',
    async () => {
      const inGuild = await deployCommands(parseConfig(env(guild.id)));
      expect(inGuild).toEqual({ scope: 'guild', guildId: guild.id, names: COMMANDS.map((c) => c.name) });
      const path = `/applications/${fake.applicationId}/guilds/${guild.id}/commands`;
      expect(fake.requests({ method: 'PUT', path })).toHaveLength(1);
      const registered = fake.commands(guild.id);
      expect(registered.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
      expect(registered.find((c) => c.name === 'admin')!.default_member_permissions).toBe('32');
      expect(fake.commands()).toEqual([]);

      const global = await deployCommands(parseConfig(env()));
      expect(global.scope).toBe('global');
      expect(fake.requests({ method: 'PUT', path: `/applications/${fake.applicationId}/commands` })).toHaveLength(1);
      expect(fake.commands().map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    },
  );

  it(
    'makes an invite URL with the bot and applications.commands scopes ' + 'and only the permissions storyloom uses',
    () => {
      const url = new URL(inviteUrl('123456789012345678'));
      expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
      expect(url.searchParams.get('client_id')).toBe('123456789012345678');
      expect(url.searchParams.get('scope')).toBe('bot applications.commands');
      const P = PermissionFlagsBits;
      const wanted =
        P.ViewChannel |
        P.SendMessages |
        P.SendMessagesInThreads |
        P.CreatePublicThreads |
        P.AttachFiles |
        P.ReadMessageHistory;
      expect(url.searchParams.get('permissions')).toBe(wanted.toString());
      expect(wanted.toString()).toBe('309237746688');
    },
  );
});
