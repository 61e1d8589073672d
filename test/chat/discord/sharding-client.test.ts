/**
 * DISCORD_SHARDS as storyloom's discord.js client sees it: the options it builds, the startup check of the ids,
 * and logins against the Discord fake: a count, ids of a count, "auto" (the count GET /gateway/bot recommends),
 * none, and Discord's "sharding required" refusal.
 */
import type { Client } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordClient, logIn } from '../../../src/chat/discord/client.ts';
import { describeShards, shardOptions } from '../../../src/chat/discord/shards.ts';
import { ConfigError } from '../../../src/config.ts';
import { startDiscordFake, type DiscordFake, type DiscordFakeOptions } from '../../fakes/discord/index.ts';
import { guildIdOnShard } from '../../fakes/discord/shard-ids.ts';
import { testConfig } from '../../helpers/bot.ts';

describe('DISCORD_SHARDS: the client options', () => {
  it('reads unset, auto, a count and ids/count', () => {
    expect(shardOptions(undefined)).toEqual({});
    expect(shardOptions('auto')).toEqual({ shards: 'auto' });
    expect(shardOptions('3')).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(shardOptions('0,2/4')).toEqual({ shards: [0, 2], shardCount: 4 });
    expect(shardOptions('3/4')).toEqual({ shards: [3], shardCount: 4 });
  });

  it('refuses at startup an id not below the count, or one listed twice, naming DISCORD_SHARDS', () => {
    expect(() => shardOptions('4/4')).toThrow(ConfigError);
    expect(() => shardOptions('4/4')).toThrow(
      'storyloom: bad setting DISCORD_SHARDS="4/4": shard 4 does not exist in 4 shards (ids run from 0 to 3).',
    );
    expect(() => shardOptions('0,7/2')).toThrow(/DISCORD_SHARDS="0,7\/2": shard 7 does not exist in 2 shards/);
    expect(() => shardOptions('1,1/2')).toThrow(/DISCORD_SHARDS="1,1\/2": shard 1 is listed twice/);
    expect(() => createDiscordClient(testConfig({ DISCORD_SHARDS: '2/2' }))).toThrow(/DISCORD_SHARDS="2\/2"/);
  });

  it('gives discord.js the shards and the total count, spaces in the setting removed', () => {
    const client = createDiscordClient(testConfig({ DISCORD_SHARDS: ' 0, 1 / 4 ' }));
    expect(client.options.shards).toEqual([0, 1]);
    expect(client.options.shardCount).toBe(4);
    const unsharded = createDiscordClient(testConfig());
    expect(unsharded.options.shards).toEqual([0]);
    expect(unsharded.options.shardCount).toBe(1);
  });
});

describe('DISCORD_SHARDS: logging in to the Discord fake', () => {
  let fake: DiscordFake;
  let client: Client | undefined;
  let even: string;
  let odd: string;

  async function start(options: DiscordFakeOptions = {}): Promise<void> {
    fake = await startDiscordFake(options);
    even = fake.addGuild({ id: guildIdOnShard(0, 2), name: 'Even' }).id;
    odd = fake.addGuild({ id: guildIdOnShard(1, 2), name: 'Odd' }).id;
  }

  async function login(shards?: string): Promise<Client> {
    const settings = { DISCORD_TOKEN: fake.botToken, DISCORD_API_URL: fake.restUrl };
    client = createDiscordClient(testConfig(shards === undefined ? settings : { ...settings, DISCORD_SHARDS: shards }));
    await logIn(client, fake.botToken);
    return client;
  }

  const connectedShards = () =>
    fake
      .gatewaySessions()
      .filter((s) => s.connected)
      .map((s) => s.shard)
      .sort((x, y) => x[0] - y[0]);

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    await fake?.close();
  });

  it('auto: runs the count GET /gateway/bot recommends, every shard in this process', async () => {
    await start({ recommendedShards: 3, maxConcurrency: 3 });
    const logged = await login('auto');
    expect(fake.requests({ method: 'GET', path: '/gateway/bot' }).length).toBeGreaterThanOrEqual(1);
    expect(connectedShards()).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(logged.options.shardCount).toBe(3);
    expect(describeShards(logged)).toBe(', shards 0,1,2 of 3');
    expect([...logged.guilds.cache.keys()].sort()).toEqual([even, odd].sort());
  });

  it('a count: one session per shard, each guild cached from its own shard', async () => {
    await start({ maxConcurrency: 2 });
    const logged = await login('2');
    expect(connectedShards()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(logged.guilds.cache.get(even)?.shardId).toBe(0);
    expect(logged.guilds.cache.get(odd)?.shardId).toBe(1);
    expect(describeShards(logged)).toBe(', shards 0,1 of 2');
  });

  it('ids/count: only those shards here, so only their guilds', async () => {
    await start();
    const logged = await login('1/2');
    expect(connectedShards()).toEqual([[1, 2]]);
    expect([...logged.guilds.cache.keys()]).toEqual([odd]);
    expect(describeShards(logged)).toBe(', shards 1 of 2');
  });

  it('unset: one unsharded session with every guild', async () => {
    await start();
    const logged = await login();
    expect(connectedShards()).toEqual([[0, 1]]);
    expect(logged.guilds.cache.size).toBe(2);
    expect(describeShards(logged)).toBe('');
  });

  it('tells the operator to set DISCORD_SHARDS when Discord requires sharding (close 4011)', async () => {
    await start({ maxGuildsPerShard: 1, maxConcurrency: 2 });
    await expect(login()).rejects.toThrow(
      'storyloom: Discord requires sharding for this bot (gateway close 4011: too many servers for one ' +
        'connection). Set DISCORD_SHARDS=auto. See docs/discord.md, "Sharding".',
    );
    await client?.destroy();
    await login('2');
    expect(connectedShards()).toHaveLength(2);
  });
});
