import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayConnection } from './connection.ts';
import type { GatewaySession } from './session.ts';
import { guildOfDispatch, IdentifyBuckets, type ShardingSettings, type ShardKey } from './sharding.ts';

/** The WebSocket path of the gateway URL that `GET /gateway/bot` returns. */
export const GATEWAY_PATH = '/gateway';
/** The WebSocket path of the `resume_gateway_url` in READY. */
export const RESUME_PATH = '/resume';

/** A payload that crossed the gateway, for tests to inspect. */
export interface GatewayFrame {
  direction: 'in' | 'out';
  op: number;
  t?: string | null;
  s?: number | null;
  d: unknown;
  at: number;
  sessionId?: string;
  /** The `[shard_id, num_shards]` of that session. */
  shard?: ShardKey;
}

/** A WebSocket connection attempt: the path and query the client used. */
export interface GatewayConnectionInfo {
  path: string;
  query: Record<string, string>;
  at: number;
}

/** Settings and hooks of the gateway server. */
export interface GatewayServerOptions {
  botToken: string;
  heartbeatIntervalMs: number;
  privilegedIntents: number;
  sharding: ShardingSettings;
  /** How many of the bot's guilds a session identified as `shard` would hold. */
  guildCount(shard: ShardKey): number;
  onIdentified(session: GatewaySession): void;
  onChange(): void;
}

/** The fake gateway: accepts WebSocket upgrades, keeps sessions, and fans out dispatches. */
export class GatewayServer {
  readonly sessions = new Map<string, GatewaySession>();
  readonly frames: GatewayFrame[] = [];
  readonly connections: GatewayConnectionInfo[] = [];
  private readonly live = new Set<GatewayConnection>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly identifyBuckets: IdentifyBuckets;

  constructor(private readonly options: GatewayServerOptions) {
    this.identifyBuckets = new IdentifyBuckets(options.sharding);
  }

  /** The sharding settings, for GET /gateway/bot. */
  get sharding(): ShardingSettings {
    return this.options.sharding;
  }

  /** Handles an HTTP upgrade on the gateway or resume path; refuses any other. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.pathname !== GATEWAY_PATH && url.pathname !== RESUME_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    this.connections.push({ path: url.pathname, query, at: Date.now() });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, query));
  }

  /**
   * Sends a dispatch to every session that wants it (its intents) and whose shard the event's guild falls on;
   * disconnected sessions keep it for RESUME.
   */
  dispatch(event: string, data: unknown, intent?: number): void {
    const guildId = guildOfDispatch(event, data);
    for (const session of this.sessions.values()) {
      if (session.wants(intent) && session.receives(guildId)) session.push(event, data);
    }
  }

  /** Sends a raw payload (e.g. op 7 or op 9) to every live connection. */
  sendToAll(payload: { op: number; d: unknown }): void {
    for (const connection of this.live) this.send(connection.socket, payload);
  }

  /** Forgets every session, so RESUME fails and clients must identify again. */
  forgetSessions(): void {
    this.sessions.clear();
  }

  /**
   * Drops every live connection: abruptly (like a network failure, seen as 1006)
   * or with a close code. Sessions stay resumable. Resolves once all are closed.
   */
  async drop(code?: number): Promise<void> {
    const closing = [...this.live].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.socket.once('close', () => resolve());
          if (code === undefined) {
            connection.closedByServer = true;
            connection.socket.terminate();
          } else {
            connection.close(code, 'Dropped by the test');
          }
        }),
    );
    await Promise.all(closing);
  }

  /** Closes every connection and stops accepting new ones. */
  async close(): Promise<void> {
    for (const connection of this.live) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket, query: Record<string, string>): void {
    const connection = new GatewayConnection(socket, {
      botToken: this.options.botToken,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      privilegedIntents: this.options.privilegedIntents,
      sessions: this.sessions,
      identifyBuckets: this.identifyBuckets,
      maxGuildsPerShard: this.options.sharding.maxGuildsPerShard,
      guildCount: (shard) => this.options.guildCount(shard),
      send: (s, payload) => this.send(s, payload),
      received: (payload, sessionId) => this.log('in', payload, sessionId),
      onIdentified: (session) => this.options.onIdentified(session),
    });
    this.live.add(connection);
    socket.on('close', () => {
      this.live.delete(connection);
      this.options.onChange();
    });
    if (query.v !== undefined && query.v !== '10') {
      connection.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
      return;
    }
    if (query.encoding !== undefined && query.encoding !== 'json') {
      connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    connection.start();
  }

  private send(socket: WebSocket, payload: unknown): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(payload));
    const session = [...this.sessions.values()].find((s) => s.socket === socket);
    this.log('out', payload as Record<string, unknown>, session?.id);
  }

  private log(direction: GatewayFrame['direction'], payload: Record<string, unknown>, sessionId?: string): void {
    const { op, t, s, d } = payload;
    const shard = sessionId ? this.sessions.get(sessionId)?.shard : undefined;
    this.frames.push({
      direction,
      op: Number(op ?? GatewayOpcodes.Dispatch),
      t: t as string | null,
      s: s as number | null,
      d,
      at: Date.now(),
      ...(sessionId ? { sessionId } : {}),
      ...(shard ? { shard } : {}),
    });
    this.options.onChange();
  }
}
