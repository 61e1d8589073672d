import {
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  type APIApplicationCommand,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextInteraction, startHarness, type Harness } from './harness.ts';

const story = new SlashCommandBuilder()
  .setName('story')
  .setDescription('Write a story together')
  .addSubcommand((s) =>
    s
      .setName('start')
      .setDescription('Start a story')
      .addStringOption((o) => o.setName('seed').setDescription('First words').setRequired(true))
      .addNumberOption((o) => o.setName('temperature').setDescription('Randomness')),
  );
const admin = new SlashCommandBuilder()
  .setName('storyadmin')
  .setDescription('Admin tools')
  .setDefaultMemberPermissions(0n);

describe('discord fake: application commands', () => {
  let h: Harness;
  let rest: REST;

  beforeEach(async () => {
    h = await startHarness();
    rest = new REST({ api: h.fake.restUrl }).setToken(h.fake.botToken);
  });

  afterEach(async () => {
    await h.close();
  });

  const guildRoute = () => Routes.applicationGuildCommands(h.fake.applicationId, h.guild.id);

  it('bulk-overwrites guild commands with REST, keeping ids of commands that stay', async () => {
    const first = (await rest.put(guildRoute(), { body: [story.toJSON(), admin.toJSON()] })) as APIApplicationCommand[];
    expect(first.map((c) => [c.name, c.guild_id, c.application_id])).toEqual([
      ['story', h.guild.id, h.fake.applicationId],
      ['storyadmin', h.guild.id, h.fake.applicationId],
    ]);
    expect(first[1]!.default_member_permissions).toBe('0');
    const second = (await rest.put(guildRoute(), { body: [story.toJSON()] })) as APIApplicationCommand[];
    expect(second.map((c) => c.id)).toEqual([first[0]!.id]);
    expect(await rest.get(guildRoute())).toEqual(second);
    expect(h.fake.commands(h.guild.id)).toEqual(second);
    expect(h.fake.commands()).toEqual([]);
  });

  it('refuses invalid command names with Invalid Form Body', async () => {
    const body = [{ name: 'Story Time', description: 'bad name', type: 1 }];
    await expect(rest.put(guildRoute(), { body })).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { 0: { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } } },
    });
  });

  it('types command options from the registered definition and rejects options it lacks', async () => {
    const [registered] = (await rest.put(guildRoute(), { body: [story.toJSON()] })) as APIApplicationCommand[];
    const received = nextInteraction(h.client, (i) => i.isChatInputCommand());
    const sent = h.fake.sendCommand({
      channelId: h.channelId,
      user: h.user,
      name: 'story',
      subcommand: 'start',
      options: { seed: 'Once', temperature: 1 },
    });
    const interaction = (await received) as ChatInputCommandInteraction;
    expect(interaction.commandId).toBe(registered!.id);
    expect(interaction.options.getNumber('temperature')).toBe(1);
    expect(sent.payload).toMatchObject({
      data: {
        options: [
          {
            type: 1,
            name: 'start',
            options: [
              { name: 'seed', type: 3 },
              { name: 'temperature', type: 10 },
            ],
          },
        ],
      },
    });
    const send = (options: Record<string, string | number>) => () =>
      h.fake.sendCommand({ channelId: h.channelId, user: h.user, name: 'story', subcommand: 'start', options });
    expect(send({ seed: 'x', length: 3 })).toThrow(/no option "length"/);
    expect(send({ temperature: 1 })).toThrow(/needs option "seed"/);
  });

  it(
    'dispatches a command gated by default_member_permissions ' + 'only to members who have them, as Discord does',
    async () => {
      const moderate = new SlashCommandBuilder()
        .setName('moderate')
        .setDescription('Moderators only')
        .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
      await rest.put(guildRoute(), { body: [moderate.toJSON(), admin.toJSON()] });
      const mod = h.fake.addUser({
        username: 'mod',
        permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel,
      });
      const root = h.fake.addUser({ username: 'root', permissions: PermissionFlagsBits.Administrator });
      const run = (user: typeof mod, name: string) => () => h.fake.sendCommand({ channelId: h.channelId, user, name });
      expect(run(h.user, 'moderate')).toThrow(/ana may not run \/moderate: it needs default_member_permissions 32/);
      expect(run(mod, 'storyadmin')).toThrow(/mod may not run \/storyadmin/);
      const received = nextInteraction(h.client, (i) => i.isChatInputCommand() && i.commandName === 'moderate');
      const sent = run(mod, 'moderate')();
      expect((await received).id).toBe(sent.id);
      expect(run(root, 'storyadmin')).not.toThrow();
      expect(run(root, 'moderate')).not.toThrow();
    },
  );
});
