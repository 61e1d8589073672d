import { Client, Events, GatewayIntentBits, ChannelType } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from './index.ts';

describe('discord fake: login', () => {
  let fake: DiscordFake;
  let client: Client | undefined;

  beforeEach(async () => {
    fake = await startDiscordFake();
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    await fake.close();
  });

  it('logs the real discord.js client in, sends READY and caches guilds and channels', async () => {
    const guild = fake.addGuild({ name: 'Writers', channels: ['stories', 'lounge'] });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl } });
    const ready = new Promise<void>((resolve) => client!.once(Events.ClientReady, () => resolve()));
    const started = Date.now();
    await client.login(fake.botToken);
    await ready;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Writers');
    const stories = client.channels.cache.get(guild.channels[0]!.id);
    expect(stories?.type).toBe(ChannelType.GuildText);
    expect(cached?.members.me?.id).toBe(fake.botUser.id);
    expect(fake.requests({ method: 'GET', path: '/gateway/bot' })).toHaveLength(1);
    const identify = fake.gatewayFrames({ direction: 'in', op: 2 })[0]?.d as { intents: number; properties: object };
    expect(identify.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.gatewayConnections()[0]?.query).toMatchObject({ v: '10', encoding: 'json' });
  });

  it('tells a connected client about guilds and channels added later', async () => {
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl } });
    await client.login(fake.botToken);
    const joined = new Promise<string>((resolve) => client!.once(Events.GuildCreate, (g) => resolve(g.id)));
    const guild = fake.addGuild({ name: 'Late', channels: [] });
    expect(await joined).toBe(guild.id);
    const created = new Promise<string>((resolve) => client!.once(Events.ChannelCreate, (c) => resolve(c.id)));
    const channel = fake.addChannel(guild.id, 'new-stories');
    expect(await created).toBe(channel.id);
    expect(client.channels.cache.get(channel.id)?.type).toBe(ChannelType.GuildText);
  });

  it(
    'rejects login with an unrecoverable 4014 when the ' + 'client asks for a privileged intent the app lacks',
    async () => {
      client = new Client({
        intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent],
        rest: { api: fake.restUrl },
      });
      const login = client.login(fake.botToken);
      await expect(login).rejects.toThrow('Used disallowed intents');
    },
  );
});
