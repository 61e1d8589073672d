/**
 * The fake's gateway sharding rules (https://discord.com/developers/docs/events/gateway#sharding): which session
 * gets which guild's events, what READY lists, the close codes for a bad shard or too many guilds, GET /gateway/bot,
 * and the identify limit per max_concurrency bucket. Guild ids are built so their shard is known by construction.
 */
import { Client, Events, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { shardForGuild, startDiscordFake, type DiscordFake, type DiscordFakeOptions } from './index.ts';
import { connect, identify, type Payload, type RawGateway } from './raw-gateway.ts';
import { guildIdOnShard } from './shard-ids.ts';

let fake: DiscordFake;
const clients: Client[] = [];

async function start(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
  fake = await startDiscordFake(options);
  return fake;
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await fake?.close();
});

/** Connects, reads HELLO, identifies as `shard`, and returns the connection with its first answer. */
async function session(shard: unknown): Promise<{ gateway: RawGateway; first: Payload }> {
  const gateway = await connect(`${fake.gatewayUrl}?v=10&encoding=json`);
  expect((await gateway.next()).op).toBe(GatewayOpcodes.Hello);
  gateway.send(identify(fake.botToken, GatewayIntentBits.Guilds, shard));
  return { gateway, first: await gateway.next() };
}

/** Connects, reads HELLO, identifies as `shard`, and returns the code the gateway closes with. */
async function closeCodeFor(shard: unknown): Promise<number> {
  const gateway = await connect(`${fake.gatewayUrl}?v=10&encoding=json`);
  expect((await gateway.next()).op).toBe(GatewayOpcodes.Hello);
  gateway.send(identify(fake.botToken, GatewayIntentBits.Guilds, shard));
  return gateway.closed;
}

/** The shards (`[id, count]`) of the sessions that were sent a dispatch `t` whose data matches. */
function shardsThatGot(t: string, match: (d: Record<string, unknown>) => boolean): unknown[] {
  return fake
    .gatewayFrames({ direction: 'out', t })
    .filter((f) => match(f.d as Record<string, unknown>))
    .map((f) => f.shard);
}

describe('discord fake: the sharding formula', () => {
  it('matches published examples and ids built for a known shard', () => {
    // Serenity's docs: "Retrieve the Id of the shard for a guild with Id 81384788765712384, using 17 shards" → 7.
    expect(shardForGuild('81384788765712384', 17)).toBe(7);
    // djs_model's docs: ShardId::for_guild(175_928_847_299_117_063, 4) is shard 0.
    expect(shardForGuild('175928847299117063', 4)).toBe(0);
    for (const count of [2, 3, 4]) {
      for (let shard = 0; shard < count; shard++) {
        expect(shardForGuild(guildIdOnShard(shard, count, 5), count)).toBe(shard);
        expect(shardForGuild(guildIdOnShard(shard, count, 5), 1)).toBe(0);
      }
    }
    expect(guildIdOnShard(1, 2)).toMatch(/^\d{19}$/);
  });
});

describe('discord fake: sharded sessions', () => {
  it('gives each of two shards only its guilds: READY, GUILD_CREATE, and later guild events', async () => {
    await start();
    const a = fake.addGuild({ id: guildIdOnShard(0, 2), name: 'Even', channels: ['stories'] });
    const b = fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd', channels: ['stories'] });
    const ana = fake.addUser({ username: 'ana' });
    const zero = await session([0, 2]);
    const one = await session([1, 2]);
    expect(zero.first).toMatchObject({ t: 'READY', d: { shard: [0, 2], guilds: [{ id: a.id, unavailable: true }] } });
    expect(one.first).toMatchObject({ t: 'READY', d: { shard: [1, 2], guilds: [{ id: b.id, unavailable: true }] } });
    expect(await zero.gateway.next()).toMatchObject({ t: 'GUILD_CREATE', d: { id: a.id } });
    expect(await one.gateway.next()).toMatchObject({ t: 'GUILD_CREATE', d: { id: b.id } });
    expect(shardsThatGot('GUILD_CREATE', () => true)).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const c = fake.addGuild({ id: guildIdOnShard(1, 2, 7), name: 'Late', channels: ['stories'] });
    expect(await one.gateway.next()).toMatchObject({ t: 'GUILD_CREATE', d: { id: c.id } });
    expect(shardsThatGot('GUILD_CREATE', (d) => d.id === c.id)).toEqual([[1, 2]]);

    const inA = fake.sendCommand({ channelId: a.channels[0]!.id, user: ana, name: 'story', options: { opening: 'x' } });
    const inB = fake.sendCommand({ channelId: b.channels[0]!.id, user: ana, name: 'story', options: { opening: 'y' } });
    expect(shardsThatGot('INTERACTION_CREATE', (d) => d.id === inA.id)).toEqual([[0, 2]]);
    expect(shardsThatGot('INTERACTION_CREATE', (d) => d.id === inB.id)).toEqual([[1, 2]]);
    fake.addChannel(b.id, 'more-stories');
    expect(shardsThatGot('CHANNEL_CREATE', (d) => d.guild_id === b.id)).toEqual([[1, 2]]);

    // An event without a guild_id (here an entitlement) goes to shard 0 only.
    fake.dispatch('ENTITLEMENT_CREATE', { id: '1', sku_id: '2', application_id: fake.applicationId, type: 8 });
    expect(shardsThatGot('ENTITLEMENT_CREATE', () => true)).toEqual([[0, 2]]);
  });

  it('routes each session by its own shard count: a different count is served, not refused', async () => {
    await start();
    const a = fake.addGuild({ id: guildIdOnShard(0, 2), name: 'Even' });
    const b = fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd' });
    const half = await session([0, 2]);
    const whole = await session([0, 1]);
    expect(half.first).toMatchObject({ t: 'READY', d: { shard: [0, 2], guilds: [{ id: a.id }] } });
    expect(whole.first).toMatchObject({ t: 'READY', d: { shard: [0, 1], guilds: [{ id: a.id }, { id: b.id }] } });
    fake.addChannel(a.id, 'lounge');
    fake.addChannel(b.id, 'lounge');
    expect(shardsThatGot('CHANNEL_CREATE', (d) => d.guild_id === a.id)).toEqual([
      [0, 2],
      [0, 1],
    ]);
    expect(shardsThatGot('CHANNEL_CREATE', (d) => d.guild_id === b.id)).toEqual([[0, 1]]);
    expect(fake.gatewaySessions().map((s) => s.shard)).toEqual([
      [0, 2],
      [0, 1],
    ]);
  });

  it('closes with 4010 on an invalid shard, and 4011 when a session would hold too many guilds', async () => {
    await start({ maxGuildsPerShard: 2 });
    for (let nth = 0; nth < 2; nth++) fake.addGuild({ id: guildIdOnShard(0, 2, nth), name: `Even ${nth}` });
    fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd' });
    for (const bad of [[2, 2], [-1, 2], [0, 0], [0.5, 2], ['0', '2'], [0]]) {
      expect(await closeCodeFor(bad), JSON.stringify(bad)).toBe(4010);
    }
    expect(await closeCodeFor(null)).toBe(4011);
    const even = await session([0, 2]);
    const odd = await session([1, 2]);
    expect(even.first).toMatchObject({ t: 'READY', d: { shard: [0, 2] } });
    expect((even.first.d as { guilds: unknown[] }).guilds).toHaveLength(2);
    expect(odd.first).toMatchObject({ t: 'READY', d: { shard: [1, 2] } });
    expect(fake.gatewaySessions()).toHaveLength(2);
  });

  it('leaves shard out of READY when IDENTIFY had none, and then sends every guild', async () => {
    await start();
    fake.addGuild({ id: guildIdOnShard(0, 2), name: 'Even' });
    fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd' });
    const { first } = await session(null);
    expect(first.t).toBe('READY');
    expect(first.d).not.toHaveProperty('shard');
    expect((first.d as { guilds: unknown[] }).guilds).toHaveLength(2);
  });
});

describe('discord fake: GET /gateway/bot and the identify limit', () => {
  it('reports the recommended shards and max_concurrency, and counts session starts', async () => {
    await start({ recommendedShards: 3, maxConcurrency: 2 });
    const get = async () =>
      (await fetch(`${fake.restUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.botToken}` } })).json();
    expect(await get()).toEqual({
      url: fake.gatewayUrl,
      shards: 3,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 2 },
    });
    await session([0, 3]);
    await session([1, 3]);
    expect(await get()).toMatchObject({ session_start_limit: { remaining: 998 } });
  });

  it('admits one IDENTIFY per bucket (shard_id % max_concurrency) per window; another gets op 9', async () => {
    await start({ maxConcurrency: 2, identifyIntervalMs: 60_000 });
    const zero = await session([0, 4]);
    const one = await session([1, 4]);
    const two = await session([2, 4]);
    const three = await session([3, 4]);
    expect([zero, one, two, three].map((s) => s.first.t ?? s.first.op)).toEqual([
      'READY',
      'READY',
      GatewayOpcodes.InvalidSession,
      GatewayOpcodes.InvalidSession,
    ]);
    expect(two.first.d).toBe(false);
    expect(fake.gatewaySessions().map((s) => s.shard)).toEqual([
      [0, 4],
      [1, 4],
    ]);
  });

  it('lets a bucket identify again once its window has passed', async () => {
    await start({ maxConcurrency: 1, identifyIntervalMs: 300 });
    expect((await session([0, 2])).first.t).toBe('READY');
    expect((await session([1, 2])).first.op).toBe(GatewayOpcodes.InvalidSession);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await session([1, 2])).first.t).toBe('READY');
  });

  it('serves discord.js with two shards under Discord’s 5 s identify window, one guild on each', async () => {
    await start({ identifyIntervalMs: 5000 });
    const a = fake.addGuild({ id: guildIdOnShard(0, 2), name: 'Even' });
    const b = fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd' });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl }, shardCount: 2 });
    clients.push(client);
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.botToken);
    await ready;
    const sessions = fake.gatewaySessions().map((s) => [s.shard, s.connected]);
    expect(sessions.sort()).toEqual([
      [[0, 2], true],
      [[1, 2], true],
    ]);
    // discord.js waits out the bucket's 5 s itself (SimpleIdentifyThrottler) instead of learning it from op 9:
    // its first IDENTIFYs of the two shards come 5 s apart (less a few ms of scheduling between the two).
    const identifies = fake.gatewayFrames({ direction: 'in', op: GatewayOpcodes.Identify });
    const firstOf = (id: number) => identifies.find((f) => (f.d as { shard: number[] }).shard[0] === id)!.at;
    expect(Math.abs(firstOf(1) - firstOf(0))).toBeGreaterThanOrEqual(4900);
    expect(client.guilds.cache.get(a.id)?.shardId).toBe(0);
    expect(client.guilds.cache.get(b.id)?.shardId).toBe(1);
  }, 30_000);
});
