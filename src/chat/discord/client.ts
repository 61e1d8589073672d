/**
 * Role: the platform's client, built from the configuration (on Slack, client.ts
 * too). On Discord: the discord.js client storyloom runs, the Guilds intent only
 * (no privileged intents: slash commands and buttons arrive as interactions), REST
 * at `DISCORD_API_URL` (the gateway URL then comes from `GET /gateway/bot`), and
 * no mentions by default on every message.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config.ts';
import { NO_MENTIONS } from './render.ts';

/** A client configured for storyloom; not logged in yet. */
export function createDiscordClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.DISCORD_API_URL },
    allowedMentions: NO_MENTIONS,
  });
}

/** Logs in and resolves once the client is ready (every guild has arrived). */
export async function logIn(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
}
