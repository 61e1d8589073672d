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
 * Sends what Discord sends after IDENTIFY: READY (with every guild as an
 * unavailable stub), then one GUILD_CREATE per guild. discord.js resolves
 * `login()` on READY and emits `clientReady` once every guild has arrived.
 */
export function sendInitialState(session: GatewaySession, world: World, bot: BotIdentity, resumeUrl: string): void {
  const guilds = [...world.guilds.values()];
  const ready: GatewayReadyDispatchData & Record<string, unknown> = {
    v: 10,
    user: { ...bot.user, verified: true, mfa_enabled: false, email: null },
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: session.id,
    resume_gateway_url: resumeUrl,
    shard: session.shard,
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
