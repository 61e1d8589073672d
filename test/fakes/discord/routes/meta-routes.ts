import { GatewayOpcodes, type APIApplication, type ApplicationFlags } from 'discord.js';
import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode } from '../errors.ts';
import { guildPayload, memberPayload } from '../payloads.ts';
import type { Router } from '../rest/router.ts';

/** How many gateway sessions a bot may start per day, as `session_start_limit` reports. */
const SESSION_START_TOTAL = 1000;

/**
 * Registers the routes discord.js calls around login and for lookups: gateway, users, application, guilds, channels.
 */
export function registerMetaRoutes(router: Router, ctx: FakeContext): void {
  const ok = (body: unknown) => ({ status: 200, body });
  router.add('GET', '/gateway', () => ok({ url: ctx.urls.gateway }), 'public');
  router.add('GET', '/gateway/bot', () => ok(gatewayBot(ctx)));
  router.add('GET', '/users/@me', () => ok({ ...ctx.bot.user, verified: true, mfa_enabled: false, locale: 'en-US' }));
  router.add('GET', '/users/:userId', ({ params }) => ok(ctx.world.requireUser(params.userId!)));
  router.add('GET', '/applications/@me', () => ok(application(ctx)));
  router.add('GET', '/oauth2/applications/@me', () => ok(application(ctx)));
  router.add('GET', '/guilds/:guildId', ({ params }) => ok(guildPayload(ctx.world.requireGuild(params.guildId!))));
  router.add('GET', '/guilds/:guildId/channels', ({ params }) => {
    ctx.world.requireGuild(params.guildId!);
    return ok(ctx.world.guildChannels(params.guildId!));
  });
  router.add('GET', '/guilds/:guildId/roles', ({ params }) => ok(ctx.world.requireGuild(params.guildId!).roles));
  router.add('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
    const guild = ctx.world.requireGuild(params.guildId!);
    if (!ctx.world.users.has(params.userId!)) throw apiError(ErrorCode.UnknownMember);
    return ok(memberPayload(ctx.world, guild, params.userId!));
  });
  router.add('GET', '/guilds/:guildId/threads/active', ({ params }) => {
    ctx.world.requireGuild(params.guildId!);
    const threads = ctx.world.threads(params.guildId!).filter((t) => !t.thread_metadata?.archived);
    return ok({ threads, members: [] });
  });
  router.add('GET', '/channels/:channelId', ({ params }) => ok(ctx.world.requireChannel(params.channelId!)));
}

/**
 * GET /gateway/bot (docs/events/gateway.mdx, "Get Gateway Bot"): `url`, `shards` ("Recommended number of shards to
 * use when connecting") and `session_start_limit` (`total`, `remaining`, `reset_after`, and `max_concurrency`:
 * "Number of identify requests allowed per 5 seconds").
 */
function gatewayBot(ctx: FakeContext) {
  const identifies = ctx.gateway.frames.filter((f) => f.direction === 'in' && f.op === GatewayOpcodes.Identify).length;
  return {
    url: ctx.urls.gateway,
    shards: ctx.gateway.sharding.recommendedShards,
    session_start_limit: {
      total: SESSION_START_TOTAL,
      remaining: Math.max(0, SESSION_START_TOTAL - identifies),
      reset_after: 14_400_000,
      max_concurrency: ctx.gateway.sharding.maxConcurrency,
    },
  };
}

function application(ctx: FakeContext): APIApplication {
  return {
    id: ctx.bot.applicationId,
    name: ctx.bot.user.username,
    icon: null,
    description: 'A fake application for tests',
    bot_public: false,
    bot_require_code_grant: false,
    bot: ctx.bot.user,
    summary: '',
    verify_key: '0'.repeat(64),
    team: null,
    flags: 0 as ApplicationFlags,
    flags_new: '0',
    approximate_guild_count: ctx.world.guilds.size,
    interactions_endpoint_url: null,
  };
}
