import { Client, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from './index.ts';
import { connect, identify } from './raw-gateway.ts';

describe('discord fake: gateway protocol', () => {
  let fake: DiscordFake;
  const url = () => `${fake.gatewayUrl}?v=10&encoding=json`;

  beforeEach(async () => {
    fake = await startDiscordFake();
  });

  afterEach(async () => {
    await fake.close();
  });

  it('sends HELLO, then READY and a GUILD_CREATE with channels, roles and the bot member', async () => {
    const guild = fake.addGuild({
      name: 'Writers',
      channels: ['stories'],
      roles: [{ name: 'Story Admin', permissions: 8n }],
    });
    const gateway = await connect(url());
    expect(await gateway.next()).toEqual({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 } });
    gateway.send(identify(fake.botToken));
    const ready = await gateway.next();
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: fake.botUser.id, bot: true },
      guilds: [{ id: guild.id, unavailable: true }],
      resume_gateway_url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/resume$/),
      shard: [0, 1],
      application: { id: fake.applicationId, flags: 0 },
    });
    expect((ready.d as { session_id: string }).session_id).toMatch(/^[0-9a-f]{32}$/);
    const create = await gateway.next();
    expect(create).toMatchObject({ t: 'GUILD_CREATE', s: 2, d: { id: guild.id, name: 'Writers', unavailable: false } });
    const guildCreate = create.d as {
      channels: { name: string }[];
      roles: { name: string }[];
      members: { user: { id: string } }[];
    };
    expect(guildCreate.channels.map((c) => c.name)).toEqual(['stories']);
    expect(guildCreate.roles.map((r) => r.name)).toEqual(['@everyone', 'storyloom', 'Story Admin']);
    expect(guildCreate.members.map((m) => m.user.id)).toEqual([fake.botUser.id]);
  });

  it('closes with 4004 on a bad token and 4014 on a privileged intent the app lacks', async () => {
    const bad = await connect(url());
    await bad.next();
    bad.send(identify('not-the-token'));
    expect(await bad.closed).toBe(4004);

    const greedy = await connect(url());
    await greedy.next();
    greedy.send(identify(fake.botToken, GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent));
    expect(await greedy.closed).toBe(4014);
  });

  it('closes with 4003 before IDENTIFY, 4012 on a wrong version, and answers an unknown RESUME with op 9', async () => {
    const early = await connect(url());
    await early.next();
    early.send({ op: GatewayOpcodes.PresenceUpdate, d: {} });
    expect(await early.closed).toBe(4003);

    const old = await connect(`${fake.gatewayUrl}?v=6&encoding=json`);
    expect(await old.closed).toBe(4012);

    const stale = await connect(url());
    await stale.next();
    stale.send({ op: GatewayOpcodes.Resume, d: { token: fake.botToken, session_id: 'gone', seq: 3 } });
    expect(await stale.next()).toEqual({ op: GatewayOpcodes.InvalidSession, d: false });
  });

  it('makes discord.js login fail with TokenInvalid when REST refuses the token', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl } });
    await expect(client.login('fake-but-wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests({ path: '/gateway/bot' })[0]?.status).toBe(401);
    await client.destroy();
  });
});
