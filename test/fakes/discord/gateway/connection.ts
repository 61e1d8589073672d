import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord.js';
import type { WebSocket } from 'ws';
import { isObject } from '../validation.ts';
import { GatewaySession } from './session.ts';
import { validShard, type IdentifyBuckets, type ShardKey } from './sharding.ts';

/** What a connection needs from the gateway server. */
export interface ConnectionHooks {
  botToken: string;
  heartbeatIntervalMs: number;
  /** The privileged intents the application may use. */
  privilegedIntents: number;
  sessions: Map<string, GatewaySession>;
  /** The identify rate limit per max_concurrency bucket. */
  identifyBuckets: IdentifyBuckets;
  /** The most guilds one session may hold (4011 beyond it). */
  maxGuildsPerShard: number;
  /** How many of the bot's guilds a session identified as `shard` would hold. */
  guildCount(shard: ShardKey): number;
  send(socket: WebSocket, payload: unknown): void;
  /** Logs a payload received from the client. */
  received(payload: Record<string, unknown>, sessionId: string | undefined): void;
  /** Sends READY and the GUILD_CREATEs to a freshly identified session. */
  onIdentified(session: GatewaySession): void;
}

/** The intents Discord treats as privileged: GuildMembers, GuildPresences, MessageContent. */
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
const AFTER_IDENTIFY = new Set<number>([
  GatewayOpcodes.PresenceUpdate,
  GatewayOpcodes.VoiceStateUpdate,
  GatewayOpcodes.RequestGuildMembers,
  GatewayOpcodes.RequestSoundboardSounds,
]);

/** One client WebSocket: says HELLO, then handles IDENTIFY, RESUME and heartbeats. */
export class GatewayConnection {
  private session: GatewaySession | undefined;
  /** Set when the server closed the socket, so the close code is not read as the client's. */
  closedByServer = false;

  constructor(
    readonly socket: WebSocket,
    private readonly hooks: ConnectionHooks,
  ) {}

  /** Sends HELLO and starts listening. */
  start(): void {
    this.socket.on('message', (data) => this.onMessage(String(data)));
    this.socket.on('close', (code) => this.onClose(code));
    this.hooks.send(this.socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.hooks.heartbeatIntervalMs },
    });
  }

  /** Closes the socket with a gateway close code. */
  close(code: number, reason: string): void {
    this.closedByServer = true;
    this.socket.close(code, reason);
  }

  private onMessage(text: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      this.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (!isObject(payload)) {
      this.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.hooks.received(payload, this.session?.id);
    const d = isObject(payload.d) ? payload.d : {};
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.hooks.send(this.socket, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify:
        this.identify(d);
        return;
      case GatewayOpcodes.Resume:
        this.resume(d);
        return;
      default:
        if (!AFTER_IDENTIFY.has(Number(payload.op))) {
          this.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
          return;
        }
        if (!this.session) this.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
    }
  }

  private identify(d: Record<string, unknown>): void {
    if (this.session) {
      this.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (d.token !== this.hooks.botToken) {
      this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const shardSent = d.shard !== undefined && d.shard !== null;
    const shard: unknown = shardSent ? d.shard : [0, 1];
    if (!validShard(shard)) {
      this.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    if (typeof d.intents !== 'number') {
      this.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    const privileged = d.intents & PRIVILEGED_INTENTS;
    if ((privileged & ~this.hooks.privilegedIntents) !== 0) {
      this.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    // Close code table: "4011 Sharding required: The session would have handled too many guilds - you are required
    // to shard your connection in order to connect." (docs/topics/opcodes-and-status-codes)
    if (this.hooks.guildCount(shard) > this.hooks.maxGuildsPerShard) {
      this.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
      return;
    }
    if (!this.hooks.identifyBuckets.take(shard[0])) {
      // Why: over max_concurrency Discord answers op 9 (d=false); the socket stays open for a later IDENTIFY.
      this.hooks.send(this.socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const session = new GatewaySession(d.intents, [shard[0], shard[1]], this.hooks.send, shardSent);
    this.hooks.sessions.set(session.id, session);
    this.attach(session);
    this.hooks.onIdentified(session);
  }

  private resume(d: Record<string, unknown>): void {
    if (d.token !== this.hooks.botToken) {
      this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = this.hooks.sessions.get(String(d.session_id));
    const missed = session?.missedSince(Number(d.seq));
    if (!session || !missed) {
      // Why: Discord answers an unresumable session with op 9 and d=false, then the client re-identifies.
      this.hooks.send(this.socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    session.socket?.terminate();
    this.attach(session);
    for (const payload of missed) this.hooks.send(this.socket, payload);
    session.push(GatewayDispatchEvents.Resumed, null);
  }

  private attach(session: GatewaySession): void {
    this.session = session;
    session.socket = this.socket;
  }

  private onClose(code: number): void {
    const session = this.session;
    if (!session || session.socket !== this.socket) return;
    session.socket = null;
    // Why: Discord ends a session when the client closes with 1000/1001; other codes leave it resumable.
    if (!this.closedByServer && (code === 1000 || code === 1001)) this.hooks.sessions.delete(session.id);
  }
}
