import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  Events,
  PermissionFlagsBits,
  type APIMessage,
  type AnyThreadChannel,
  type ChatInputCommandInteraction,
  type TextChannel,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextInteraction, startHarness, type Harness } from './harness.ts';

const buttons = (...ids: string[]) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    ids.map((id) => new ButtonBuilder().setCustomId(id).setLabel(id).setStyle(ButtonStyle.Secondary)),
  );

describe('discord fake: channel messages and threads', () => {
  let h: Harness;
  let channel: TextChannel;

  beforeEach(async () => {
    h = await startHarness({ client: { allowedMentions: { parse: [] } } });
    channel = h.client.channels.cache.get(h.channelId) as TextChannel;
  });

  afterEach(async () => {
    await h.close();
  });

  it('starts a thread from an interaction reply, sends THREAD_CREATE, and takes messages with buttons', async () => {
    const received = nextInteraction(h.client, (i) => i.isChatInputCommand());
    h.fake.sendCommand({ channelId: h.channelId, user: h.user, name: 'story' });
    const interaction = (await received) as ChatInputCommandInteraction;
    await interaction.deferReply();
    const reply = await interaction.editReply('Once upon a time');
    const edit = h.fake.requests({ method: 'PATCH', route: '/webhooks/:applicationId/:token/messages/@original' })[0];
    expect(edit?.body).toMatchObject({ content: 'Once upon a time', allowed_mentions: { parse: [] } });
    const created = new Promise<AnyThreadChannel>((resolve) => h.client.once(Events.ThreadCreate, (t) => resolve(t)));

    const thread = await reply.startThread({ name: 'Once upon a time' });
    const sent = await thread.send({ content: 'The next line', components: [buttons('story:continue', 'story:undo')] });

    expect(thread.id).toBe(reply.id);
    expect((await created).id).toBe(thread.id);
    expect(h.fake.gatewayFrames({ t: 'THREAD_CREATE' })).toHaveLength(1);
    expect(h.fake.threads().map((t) => [t.id, t.name, t.parent_id])).toEqual([
      [reply.id, 'Once upon a time', h.channelId],
    ]);
    expect(h.fake.channelMessages(thread.id).map((m) => m.id)).toEqual([sent.id]);
    expect(h.fake.message(reply.id)?.thread?.id).toBe(thread.id);
    const press = h.fake.pressButton({ messageId: sent.id, customId: 'story:undo', user: h.user });
    const button = await nextInteraction(h.client, (i) => i.isButton() && i.id === press.id);
    expect(button.channelId).toBe(thread.id);
    const updated = new Promise<boolean>((resolve) =>
      h.client.once(Events.ThreadUpdate, (_old, now) => resolve(now.archived ?? false)),
    );
    await thread.setArchived(true);
    expect(await updated).toBe(true);
    // The Guilds intent alone delivers no MESSAGE_CREATE.
    expect(h.fake.gatewayFrames({ t: 'MESSAGE_CREATE' })).toEqual([]);
  });

  it('refuses a thread name over 100 characters with Invalid Form Body', async () => {
    const message = await channel.send('start');
    const error = await message.startThread({ name: 'x'.repeat(101) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).rawError).toMatchObject({
      errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } },
    });
  });

  it('records multipart attachments with their names and contents, and serves them', async () => {
    const file = new AttachmentBuilder(Buffer.from('Once upon a time\n'), {
      name: 'story.txt',
      description: 'the story',
    });
    const message = await channel.send({ content: 'Here it is', files: [file] });
    const request = h.fake.requests({ method: 'POST', path: `/channels/${h.channelId}/messages` })[0]!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(request.body).toMatchObject({ content: 'Here it is', attachments: [{ id: '0', description: 'the story' }] });
    expect(request.files).toMatchObject([{ field: 'files[0]', filename: 'story.txt', text: 'Once upon a time\n' }]);
    const attachment = message.attachments.first()!;
    expect(attachment.name).toBe('story.txt');
    expect(attachment.description).toBe('the story');
    expect(await (await fetch(attachment.url)).text()).toBe('Once upon a time\n');
  });

  it('records allowed_mentions and suppresses the mentions they exclude', async () => {
    const quiet = await channel.send(`<@${h.user.id}> wrote this`);
    expect(h.fake.requests({ method: 'POST' }).at(-1)?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(quiet.mentions.users.size).toBe(0);
    const loud = await channel.send({ content: `<@${h.user.id}> wrote this`, allowedMentions: { users: [h.user.id] } });
    expect(loud.mentions.users.map((u) => u.id)).toEqual([h.user.id]);
  });

  it('rejects content over 2000 characters, over-long custom ids and empty messages', async () => {
    const long = await channel.send('x'.repeat(2001)).catch((e: unknown) => e);
    expect(long).toMatchObject({
      code: 50035,
      status: 400,
      rawError: {
        errors: {
          content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
        },
      },
    });
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'c'.repeat(101) }] };
    const badId = await h.client.rest
      .post(`/channels/${h.channelId}/messages`, { body: { content: 'hi', components: [row] } })
      .catch((e: unknown) => e);
    expect(badId).toMatchObject({
      code: 50035,
      rawError: {
        errors: {
          components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
        },
      },
    });
    await expect(h.client.rest.post(`/channels/${h.channelId}/messages`, { body: {} })).rejects.toMatchObject({
      code: 50006,
    });
    expect(h.fake.channelMessages(h.channelId)).toEqual([]);
  });

  it('edits, fetches and lists channel messages newest first', async () => {
    const first = await channel.send('one');
    const second = await channel.send('two');
    await first.edit('one, edited');
    const fetched = await channel.messages.fetch({ limit: 10 });
    expect([...fetched.keys()]).toEqual([second.id, first.id]);
    expect(fetched.get(first.id)?.editedTimestamp).not.toBeNull();
    expect((await channel.messages.fetch({ message: first.id, force: true })).content).toBe('one, edited');
  });

  it('edits the bot’s message with the bot token (Edit Message): content and buttons, read back edited', async () => {
    const sent = await channel.send({ content: 'Vote: 0', components: [buttons('one', 'two')] });
    const edited = await channel.messages.edit(sent.id, { content: 'Vote: 1', components: [buttons('one', 'two')] });
    expect(edited.content).toBe('Vote: 1');
    const edit = h.fake.requests({ method: 'PATCH', route: '/channels/:channelId/messages/:messageId' })[0]!;
    expect(edit.headers.authorization).toBe(`Bot ${h.fake.botToken}`);
    // `components: []` takes the buttons off; a GET reads the message back as the last edit left it.
    await channel.messages.edit(sent.id, { content: 'Closed', components: [] });
    const read = (await h.client.rest.get(`/channels/${h.channelId}/messages/${sent.id}`)) as APIMessage;
    expect(read).toMatchObject({ id: sent.id, content: 'Closed', components: [] });
    expect(read.edited_timestamp).not.toBeNull();
    const versions = h.fake.messageRevisions(sent.id);
    expect(versions.map((m) => [m.content, m.components?.length])).toEqual([
      ['Vote: 0', 1],
      ['Vote: 1', 1],
      ['Closed', 0],
    ]);
    // An edit is checked like a new message: over 2000 characters is refused, and the message stays as it was.
    const long = await channel.messages.edit(sent.id, { content: 'x'.repeat(2001) }).catch((e: unknown) => e);
    expect(long).toMatchObject({ code: 50035, status: 400 });
    expect(h.fake.message(sent.id)!.content).toBe('Closed');
    expect(h.fake.channelMessages(h.channelId)).toHaveLength(1);
  });

  it('reads messages back only with Read Message History, as Discord’s Get Channel Message(s) say', async () => {
    const P = PermissionFlagsBits;
    const guild = h.fake.addGuild({
      name: 'No history',
      everyonePermissions: 0n,
      botPermissions: P.ViewChannel | P.SendMessages,
    });
    const where = guild.channels[0]!.id;
    const sent = (await h.client.rest.post(`/channels/${where}/messages`, { body: { content: 'hi' } })) as APIMessage;
    await expect(h.client.rest.get(`/channels/${where}/messages/${sent.id}`)).rejects.toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await h.client.rest.get(`/channels/${where}/messages`)).toEqual([]);
    // Editing its own message needs no history: the bot still edits it.
    await h.client.rest.patch(`/channels/${where}/messages/${sent.id}`, { body: { content: 'edited' } });
    expect(h.fake.message(sent.id)!.content).toBe('edited');
  });
});
