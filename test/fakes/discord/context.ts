import type { EventEmitter } from 'node:events';
import type { AttachmentStore } from './attachments.ts';
import type { CommandRegistry } from './commands.ts';
import type { GatewayServer } from './gateway/gateway-server.ts';
import type { BotIdentity } from './gateway/ready.ts';
import type { InteractionRegistry } from './interactions.ts';
import type { MessageStore } from './messages.ts';
import type { NonceLog } from './nonces.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import type { World } from './world.ts';

/** The addresses a started fake listens on. */
export interface FakeUrls {
  /** `http://127.0.0.1:PORT`: the server root (attachment URLs live here). */
  base: string;
  /** `http://127.0.0.1:PORT/api`: what discord.js takes as `rest.api` (it appends `/v10`). */
  rest: string;
  /** `ws://127.0.0.1:PORT/gateway`: what `GET /gateway/bot` returns. */
  gateway: string;
  /** `ws://127.0.0.1:PORT/resume`: the `resume_gateway_url` in READY. */
  resume: string;
}

/** Everything route handlers and the test driver share: the state and the gateway. */
export interface FakeContext {
  urls: FakeUrls;
  botToken: string;
  bot: BotIdentity;
  ids: SnowflakeFactory;
  world: World;
  messages: MessageStore;
  /** Recent message nonces per author, for `enforce_nonce`. */
  nonces: NonceLog;
  attachments: AttachmentStore;
  interactions: InteractionRegistry;
  commands: CommandRegistry;
  gateway: GatewayServer;
  /** Emits `change` whenever a request, frame or driver action may have changed the state. */
  events: EventEmitter;
}
