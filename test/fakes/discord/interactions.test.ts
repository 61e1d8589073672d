import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  MessageFlags,
  Routes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextInteraction, startHarness, type Harness } from './harness.ts';

const isCommand = (i: Interaction): i is ChatInputCommandInteraction => i.isChatInputCommand();

function continueRow(customId = 'story:continue:1') {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId).setLabel('Continue').setStyle(ButtonStyle.Primary),
  );
}

describe('discord fake: interactions', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  async function runCommand(
    options = {},
    subcommand?: string,
  ): Promise<{ id: string; interaction: ChatInputCommandInteraction }> {
    const received = nextInteraction(h.client, isCommand);
    const { id } = h.fake.sendCommand({
      channelId: h.channelId,
      user: h.user,
      name: 'story',
      options,
      ...(subcommand ? { subcommand } : {}),
    });
    return { id, interaction: (await received) as ChatInputCommandInteraction };
  }

  it('delivers a complete command payload that discord.js parses, options and subcommand included', async () => {
    const { interaction } = await runCommand({ seed: 'Once upon', length: 200, temperature: 0.8 }, 'start');
    expect(interaction.commandName).toBe('story');
    expect(interaction.options.getSubcommand()).toBe('start');
    expect(interaction.options.getString('seed')).toBe('Once upon');
    expect(interaction.options.getInteger('length')).toBe(200);
    expect(interaction.options.getNumber('temperature')).toBe(0.8);
    expect(interaction.user.id).toBe(h.user.id);
    expect(interaction.guildId).toBe(h.guild.id);
    expect(interaction.channel?.id).toBe(h.channelId);
    expect(interaction.memberPermissions?.has('SendMessages')).toBe(true);
    expect(interaction.locale).toBe('en-US');
  });

  it('records deferReply then editReply with components as the original response', async () => {
    const { id, interaction } = await runCommand({ seed: 'Once' });
    await interaction.deferReply();
    expect(h.fake.interactionState(id)).toMatchObject({ acknowledged: true, deferred: true, responseType: 5 });
    expect(h.fake.interactionState(id)?.original?.flags).toBe(MessageFlags.Loading);
    const reply = await interaction.editReply({ content: 'Once upon a time', components: [continueRow()] });
    expect(reply.content).toBe('Once upon a time');
    const original = await h.fake.waitForOriginal(id, /upon a time/);
    expect(original.flags).toBe(0);
    expect(original.components).toEqual([continueRow().toJSON()]);
    expect(h.fake.channelMessages(h.channelId).map((m) => m.id)).toEqual([original.id]);
    const callback = h.fake.requests({ method: 'POST', route: '/interactions/:interactionId/:token/callback' })[0]!;
    expect(callback.query).toEqual({ with_response: 'false' });
    expect(callback.headers.authorization).toBeUndefined();
  });

  it('answers 10062 Unknown interaction to a callback after the 3 s window', async () => {
    const { id, interaction } = await runCommand();
    h.fake.ageInteraction(id, 3001);
    const error = await interaction.deferReply().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 10062, status: 404, message: 'Unknown interaction' });
    expect(h.fake.interactionState(id)?.acknowledged).toBe(false);
  });

  it('answers 40060 to a second acknowledgement', async () => {
    const { interaction } = await runCommand();
    await interaction.deferReply();
    // discord.js refuses a second ack itself, so send the raw callback like a second bot process would.
    const second = h.client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
      body: { type: 4, data: { content: 'again' } },
      auth: false,
    });
    await expect(second).rejects.toMatchObject({
      code: 40060,
      status: 400,
      message: 'Interaction has already been acknowledged.',
    });
  });

  it('answers 50027 or 10015 on editReply once the token has expired', async () => {
    const first = await runCommand();
    await first.interaction.deferReply();
    h.fake.ageInteraction(first.id, 15 * 60_000 + 1);
    await expect(first.interaction.editReply('late')).rejects.toMatchObject({
      code: 50027,
      status: 401,
      message: 'Invalid Webhook Token',
    });

    const second = await runCommand();
    await second.interaction.deferReply();
    h.fake.expireInteractionToken(second.id, 'unknown-webhook');
    await expect(second.interaction.editReply('late')).rejects.toMatchObject({ code: 10015, status: 404 });
    expect(h.fake.interactionState(second.id)?.tokenExpired).toBe(true);
  });

  it(
    'lets the bot token edit a public reply once its token ' +
      'expired (Edit Message), but not an ephemeral one (10008)',
    async () => {
      const shown = await runCommand();
      await shown.interaction.deferReply();
      const reply = await shown.interaction.editReply('⏳ #1 in line');
      h.fake.expireInteractionToken(shown.id);
      await h.client.rest.patch(Routes.channelMessage(h.channelId, reply.id), { body: { content: '✅ done' } });
      expect(h.fake.interactionState(shown.id)?.original?.content).toBe('✅ done');

      const secret = await runCommand();
      await secret.interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const hidden = await secret.interaction.editReply('only you');
      await expect(
        h.client.rest.patch(Routes.channelMessage(h.channelId, hidden.id), { body: { content: 'no' } }),
      ).rejects.toMatchObject({ code: 10008, status: 404 });
    },
  );

  it('returns the callback resource when discord.js asks with_response=true', async () => {
    const { interaction } = await runCommand();
    const response = await interaction.deferReply({ withResponse: true, flags: MessageFlags.Ephemeral });
    expect(response.interaction.responseMessageLoading).toBe(true);
    expect(response.interaction.responseMessageEphemeral).toBe(true);
    expect(response.resource?.message?.id).toBe(response.interaction.responseMessageId);
    expect(h.fake.channelMessages(h.channelId)).toEqual([]);
  });

  it('lets the first followUp replace a deferred reply, and later ones add messages', async () => {
    const { id, interaction } = await runCommand();
    await interaction.deferReply();
    const first = await interaction.followUp('first');
    const second = await interaction.followUp({ content: 'only you see this', flags: MessageFlags.Ephemeral });
    const state = h.fake.interactionState(id)!;
    expect(state.original?.id).toBe(first.id);
    expect(state.original?.content).toBe('first');
    expect(state.followups.map((m) => m.id)).toEqual([second.id]);
    expect(h.fake.channelMessages(h.channelId).map((m) => m.content)).toEqual(['first']);
  });

  it('handles a button press answered with update, then one answered with deferUpdate and editReply', async () => {
    const { interaction } = await runCommand();
    const reply = await interaction.reply({ content: 'Chapter 1', components: [continueRow()], withResponse: true });
    const messageId = reply.resource!.message!.id;

    const press = async () => {
      const received = nextInteraction(h.client, (i) => i.isButton());
      const sent = h.fake.pressButton({ messageId, customId: 'story:continue:1', user: h.user });
      return { ...sent, button: (await received) as ButtonInteraction };
    };
    const one = await press();
    expect(one.button.customId).toBe('story:continue:1');
    expect(one.button.message.id).toBe(messageId);
    await one.button.update({ content: 'Chapter 1, continued', components: [continueRow()] });
    expect(h.fake.message(messageId)?.content).toBe('Chapter 1, continued');
    expect(h.fake.interactionState(one.id)?.responseType).toBe(7);

    const two = await press();
    await two.button.deferUpdate();
    await two.button.editReply({ content: 'Chapter 2', components: [] });
    expect(h.fake.message(messageId)).toMatchObject({ content: 'Chapter 2', components: [] });
    expect(h.fake.interactionState(two.id)).toMatchObject({ deferred: true, responseType: 6 });
    expect(() => h.fake.pressButton({ messageId, customId: 'story:continue:1', user: h.user })).toThrow(/no button/);
  });

  it('records a modal (callback type 9) and deletes the original reply', async () => {
    const first = await runCommand();
    const modal = new ModalBuilder()
      .setCustomId('story:edit')
      .setTitle('Edit the line')
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('line').setLabel('Line').setStyle(TextInputStyle.Short),
        ),
      );
    await first.interaction.showModal(modal);
    expect(h.fake.interactionState(first.id)).toMatchObject({
      responseType: 9,
      modal: { custom_id: 'story:edit', title: 'Edit the line' },
    });

    const second = await runCommand();
    await second.interaction.reply('to be removed');
    await h.fake.waitForRequest({ method: 'POST', path: new RegExp(`^/interactions/${second.id}/`) });
    await second.interaction.deleteReply();
    expect(h.fake.interactionState(second.id)?.original).toBeUndefined();
    expect(h.fake.channelMessages(h.channelId)).toEqual([]);
  });
});
