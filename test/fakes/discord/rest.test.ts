import { ChannelType, DiscordAPIError, REST, Routes, type APIMessage, type APIThreadChannel } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake, type FakeGuild } from './index.ts';

describe('discord fake: REST rules without a gateway client', () => {
  let fake: DiscordFake;
  let rest: REST;
  let guild: FakeGuild;
  let channelId: string;

  beforeEach(async () => {
    fake = await startDiscordFake();
    guild = fake.addGuild({ name: 'Writers', channels: ['stories'] });
    channelId = guild.channels[0]!.id;
    rest = new REST({ api: fake.restUrl, retries: 0 }).setToken(fake.botToken);
  });

  afterEach(async () => {
    await fake.close();
  });

  it('answers Missing Permissions when the bot may not send in the guild', async () => {
    const locked = fake.addGuild({ name: 'Locked', everyonePermissions: 0n, botPermissions: 0n });
    const error = await rest
      .post(Routes.channelMessages(locked.channels[0]!.id), { body: { content: 'hi' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50013 });
  });

  it('answers Unknown Channel, Unknown Message, 404 and 405 like Discord', async () => {
    await expect(rest.get(Routes.channel('1234567890123456789'))).rejects.toMatchObject({ status: 404, code: 10003 });
    await expect(rest.get(Routes.channelMessage(channelId, '1234567890123456789'))).rejects.toMatchObject({
      status: 404,
      code: 10008,
    });
    await expect(rest.get('/nothing/here')).rejects.toMatchObject({ status: 404, code: 0, message: '404: Not Found' });
    await expect(rest.put(Routes.channelMessages(channelId))).rejects.toMatchObject({ status: 405 });
  });

  it('creates threads without a message, unarchives them on send, and refuses locked archived ones', async () => {
    const thread = (await rest.post(Routes.threads(channelId), {
      body: { name: 'side plot', type: ChannelType.PublicThread },
    })) as APIThreadChannel;
    expect(thread).toMatchObject({
      type: ChannelType.PublicThread,
      parent_id: channelId,
      thread_metadata: { archived: false, auto_archive_duration: 1440 },
    });
    await rest.patch(Routes.channel(thread.id), { body: { archived: true } });
    await rest.post(Routes.channelMessages(thread.id), { body: { content: 'wakes it up' } });
    expect(fake.channel(thread.id)).toMatchObject({ thread_metadata: { archived: false }, message_count: 1 });
    await rest.patch(Routes.channel(thread.id), { body: { archived: true, locked: true } });
    await expect(rest.post(Routes.channelMessages(thread.id), { body: { content: 'no' } })).rejects.toMatchObject({
      code: 50083,
    });
  });

  it('refuses a second thread on the same message', async () => {
    const message = (await rest.post(Routes.channelMessages(channelId), { body: { content: 'seed' } })) as APIMessage;
    await rest.post(Routes.threads(channelId, message.id), { body: { name: 'one' } });
    await expect(rest.post(Routes.threads(channelId, message.id), { body: { name: 'two' } })).rejects.toMatchObject({
      code: 160004,
    });
  });

  it('refuses followups before the interaction is acknowledged, and unknown tokens', async () => {
    const user = fake.addUser({ username: 'ana' });
    const { token } = fake.sendCommand({ channelId, user, name: 'story' });
    const followup = rest.post(Routes.webhook(fake.applicationId, token), { body: { content: 'early' }, auth: false });
    await expect(followup).rejects.toMatchObject({ status: 404, code: 10015 });
    const unknown = rest.patch(Routes.webhookMessage(fake.applicationId, 'not-a-token', '@original'), {
      body: { content: 'x' },
      auth: false,
    });
    await expect(unknown).rejects.toMatchObject({ status: 401, code: 50027 });
  });
});
