/**
 * Role: the platform's client, built from the configuration (on Slack, client.ts
 * too). On Discord: the discord.js client storyloom runs, the Guilds intent only
 * (no privileged intents: slash commands and buttons arrive as interactions), REST
 * at `DISCORD_API_URL` (the gateway URL then comes from `GET /gateway/bot`), no
 * mentions by default on every message, and the shards DISCORD_SHARDS names
 * (shards.ts), all in this process.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config.ts';
import { NO_MENTIONS } from './render.ts';
import { explainShardRefusal, shardOptions } from './shards.ts';

/** A client configured for storyloom; not logged in yet. Throws a ConfigError for a DISCORD_SHARDS out of range. */
export function createDiscordClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.DISCORD_API_URL },
    allowedMentions: NO_MENTIONS,
    ...shardOptions(config.DISCORD_SHARDS),
  });
}

/**
 * Logs in and resolves once the client is ready (every shard identified, every guild arrived). A gateway refusal
 * about shards (@discordjs/ws: "Sharding is required" for close 4011, "Invalid shard" for 4010) becomes an error
 * that names DISCORD_SHARDS.
 */
export async function logIn(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token).catch((error: unknown) => {
    throw explainShardRefusal(error);
  });
  await ready;
}
