/**
 * A protocol-level fake of Discord for tests: the real discord.js Client logs in
 * to it over HTTP and WebSocket. Start one with {@link startDiscordFake}.
 *
 * ```ts
 * const fake = await startDiscordFake();
 * const guild = fake.addGuild({ name: 'Writers', channels: ['stories'] });
 * const ana = fake.addUser({ username: 'ana' });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl } });
 * await client.login(fake.botToken);
 * const { id } = fake.sendCommand({
 *   channelId: guild.channels[0].id, user: ana, name: 'story', options: { seed: 'Once' }
 * });
 * await fake.waitForOriginal(id, /Once/);
 * ```
 */
export { startDiscordFake } from './start.ts';
export { DiscordFake, type SentInteraction } from './fake.ts';
export type { GatewaySessionInfo, FrameFilter } from './gateway/gateway-controls.ts';
export type { GatewayFrame, GatewayConnectionInfo } from './gateway/gateway-server.ts';
export { shardForGuild, type ShardKey } from './gateway/sharding.ts';
export type { DiscordFakeOptions } from './options.ts';
export type { GuildSpec, ChannelSpec, RoleSpec, FakeGuild } from './guilds.ts';
export type { UserSpec, FakeChannel } from './world.ts';
export type { CommandInvocation, ButtonPress, Actor } from './interaction-payloads.ts';
export type { CommandOptionsInput } from './command-options.ts';
export type { InteractionState, ExpiredTokenError } from './interactions.ts';
export type { RecordedRequest, RecordedFile, RequestFilter } from './rest/recorder.ts';
export type { RateLimitInjection } from './rest/rate-limits.ts';
export type { FaultSpec } from './rest/faults.ts';
export type { StoredAttachment } from './attachments.ts';
export type { DiscordErrorBody, FormErrors, FieldError } from './errors.ts';
