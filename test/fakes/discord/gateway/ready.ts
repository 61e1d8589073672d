import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  type APIUser,
  type ApplicationFlags,
  type GatewayReadyDispatchData,
} from 'discord.js';
import { guildCreatePayload } from '../payloads.ts';
import type { World } from '../world.ts';
import type { GatewaySession } from './session.ts';

/** Who the bot is, as READY tells it. */
export interface BotIdentity {
  user: APIUser;
  applicationId: string;
}

/**
 * Sends what Discord sends after IDENTIFY: READY (with every guild of the
 * session's shard as an unavailable stub), then one GUILD_CREATE per such guild.
 * discord.js resolves `login()` on READY and emits `clientReady` once every
 * guild of every shard has arrived.
 */
export function sendInitialState(session: GatewaySession, world: World, bot: BotIdentity, resumeUrl: string): void {
  // Sharding, as Discord announced it (github.com/discord/discord-api-docs/issues/17): "Guilds that are not on your
  // shard will not appear on the shard list, meaning they will not show up in the guilds object in the ready
  // packet". discord.js relies on it: each shard waits for the guilds its own READY lists
  // (node_modules/discord.js/src/client/websocket/WebSocketShard.js, `expectedGuilds`).
  const guilds = [...world.guilds.values()].filter((g) => session.receives(g.id));
  const ready: GatewayReadyDispatchData & Record<string, unknown> = {
    v: 10,
    user: { ...bot.user, verified: true, mfa_enabled: false, email: null },
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: session.id,
    resume_gateway_url: resumeUrl,
    // READY's `shard?`: "Shard information associated with this session, if sent when identifying".
    ...(session.shardSent ? { shard: session.shard } : {}),
    application: { id: bot.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    user_settings: {},
    session_type: 'normal',
    auth: {},
    geo_ordered_rtc_regions: ['us-east', 'us-central'],
    _trace: ['["discord-fake",{"micros":1}]'],
  };
  session.push(GatewayDispatchEvents.Ready, ready);
  if (!session.wants(GatewayIntentBits.Guilds)) return;
  const allMembers = session.wants(GatewayIntentBits.GuildMembers);
  for (const guild of guilds) {
    session.push(GatewayDispatchEvents.GuildCreate, guildCreatePayload(world, guild, bot.user.id, allMembers));
  }
}
