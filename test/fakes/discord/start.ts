import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AttachmentStore } from './attachments.ts';
import { CommandRegistry } from './commands.ts';
import type { FakeContext, FakeUrls } from './context.ts';
import { DiscordFake } from './fake.ts';
import { GATEWAY_PATH, GatewayServer, RESUME_PATH } from './gateway/gateway-server.ts';
import { sendInitialState } from './gateway/ready.ts';
import { shardReceives } from './gateway/sharding.ts';
import { InteractionRegistry } from './interactions.ts';
import { MessageStore } from './messages.ts';
import { NonceLog } from './nonces.ts';
import { resolveOptions, type DiscordFakeOptions, type ResolvedOptions } from './options.ts';
import { FaultInjector } from './rest/faults.ts';
import { RateLimiter } from './rest/rate-limits.ts';
import { RequestRecorder } from './rest/recorder.ts';
import { createRestListener } from './rest/rest-server.ts';
import { Router } from './rest/router.ts';
import { registerCommandRoutes } from './routes/command-routes.ts';
import { registerInteractionRoutes } from './routes/interaction-routes.ts';
import { registerMessageRoutes } from './routes/message-routes.ts';
import { registerMetaRoutes } from './routes/meta-routes.ts';
import { registerThreadRoutes } from './routes/thread-routes.ts';
import { registerWebhookRoutes } from './routes/webhook-routes.ts';
import { SnowflakeFactory } from './snowflake.ts';
import { World } from './world.ts';

/**
 * Starts a fake Discord on 127.0.0.1: the REST API under `/api/v10` and the
 * gateway over WebSocket, on one port. Point discord.js at it with
 * `new Client({ intents, rest: { api: fake.restUrl } })` and log in with `fake.botToken`.
 */
export async function startDiscordFake(options?: DiscordFakeOptions): Promise<DiscordFake> {
  const settings = resolveOptions(options);
  const server = createServer();
  const urls = await listen(server, settings.port);
  const ctx = buildContext(settings, urls);
  const router = new Router();
  for (const register of [
    registerMetaRoutes,
    registerMessageRoutes,
    registerThreadRoutes,
    registerInteractionRoutes,
    registerWebhookRoutes,
    registerCommandRoutes,
  ]) {
    register(router, ctx);
  }
  const recorder = new RequestRecorder();
  const limiter = new RateLimiter(settings.rateLimit);
  const faults = new FaultInjector();
  const authorize = (header: string | undefined) => header === `Bot ${settings.botToken}`;
  const onChange = () => ctx.events.emit('change');
  server.on('request', createRestListener({ router, recorder, limiter, faults, authorize, onChange }));
  server.on('upgrade', (req, socket, head) => ctx.gateway.handleUpgrade(req, socket, head));
  return new DiscordFake({ ctx, server, recorder, limiter, faults });
}

function buildContext(settings: ResolvedOptions, urls: FakeUrls): FakeContext {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const ids = new SnowflakeFactory();
  const world = new World(ids);
  const botUser = world.addUser(
    { ...(settings.botUserId ? { id: settings.botUserId } : {}), username: settings.botUsername },
    true,
  );
  const bot = { user: botUser, applicationId: botUser.id };
  const gateway = new GatewayServer({
    botToken: settings.botToken,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    privilegedIntents: settings.privilegedIntents,
    sharding: {
      recommendedShards: settings.recommendedShards,
      maxConcurrency: settings.maxConcurrency,
      identifyIntervalMs: settings.identifyIntervalMs,
      maxGuildsPerShard: settings.maxGuildsPerShard,
    },
    guildCount: (shard) => [...world.guilds.keys()].filter((id) => shardReceives(shard, id)).length,
    onIdentified: (session) => sendInitialState(session, world, bot, urls.resume),
    onChange: () => events.emit('change'),
  });
  const attachments = new AttachmentStore(ids, urls.base);
  const messages = new MessageStore(world, ids, attachments, (event, data, intent) =>
    gateway.dispatch(event, data, intent),
  );
  const interactions = new InteractionRegistry(settings, messages);
  const commands = new CommandRegistry(ids, bot.applicationId);
  const nonces = new NonceLog(settings.nonceWindowMs);
  return {
    urls,
    botToken: settings.botToken,
    bot,
    ids,
    world,
    messages,
    nonces,
    attachments,
    interactions,
    commands,
    gateway,
    events,
  };
}

async function listen(server: Server, port: number): Promise<FakeUrls> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = `127.0.0.1:${address.port}`;
  return {
    base: `http://${host}`,
    rest: `http://${host}/api`,
    gateway: `ws://${host}${GATEWAY_PATH}`,
    resume: `ws://${host}${RESUME_PATH}`,
  };
}
