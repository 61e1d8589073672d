import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction } from 'discord.js';
import type { APIUser } from 'discord.js';
import type { DiscordFake } from './fake.ts';
import type { FakeGuild } from './guilds.ts';
import type { DiscordFakeOptions } from './options.ts';
import { startDiscordFake } from './start.ts';

/** A started fake with one guild, one user and a logged-in discord.js client: what most tests need. */
export interface Harness {
  fake: DiscordFake;
  client: Client;
  guild: FakeGuild;
  /** The id of the guild's `stories` text channel. */
  channelId: string;
  user: APIUser;
  /** Destroys the client and stops the fake. */
  close(): Promise<void>;
}

/** Starts a fake, adds a guild (`stories` channel) and a user, and logs a real discord.js Client in. */
export async function startHarness(
  options: { fake?: DiscordFakeOptions; client?: Partial<ClientOptions> } = {},
): Promise<Harness> {
  const fake = await startDiscordFake(options.fake);
  const guild = fake.addGuild({ name: 'Writers', channels: ['stories'] });
  const user = fake.addUser({ username: 'ana' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    ...options.client,
    rest: { api: fake.restUrl, ...options.client?.rest },
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.botToken);
  await ready;
  return {
    fake,
    client,
    guild,
    channelId: guild.channels[0]!.id,
    user,
    close: async () => {
      await client.destroy();
      await fake.close();
    },
  };
}

/** Resolves with the next interaction the client emits (optionally the next one matching `accept`). */
export function nextInteraction(
  client: Client,
  accept: (i: Interaction) => boolean = () => true,
  timeoutMs = 2000,
): Promise<Interaction> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(Events.InteractionCreate, listener);
      reject(new Error(`no interaction within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (interaction: Interaction) => {
      if (!accept(interaction)) return;
      clearTimeout(timer);
      client.off(Events.InteractionCreate, listener);
      resolve(interaction);
    };
    client.on(Events.InteractionCreate, listener);
  });
}
