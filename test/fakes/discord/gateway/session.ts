import { randomBytes } from 'node:crypto';
import { GatewayOpcodes } from 'discord.js';
import type { WebSocket } from 'ws';
import { shardReceives, type ShardKey } from './sharding.ts';

/** A dispatch (op 0) as sent on the wire. */
export interface DispatchPayload {
  op: GatewayOpcodes.Dispatch;
  t: string;
  s: number;
  d: unknown;
}

/** How many past dispatches a session keeps for RESUME replays. */
const BACKLOG_LIMIT = 1000;

/**
 * A gateway session: it outlives its WebSocket, numbers its dispatches, and keeps
 * a backlog so a client that RESUMEs gets what it missed while disconnected.
 */
export class GatewaySession {
  /** The session id sent in READY and expected in RESUME. */
  readonly id = randomBytes(16).toString('hex');
  /** The last sequence number sent. */
  seq = 0;
  /** The live socket, or null while disconnected. */
  socket: WebSocket | null = null;
  private readonly backlog: DispatchPayload[] = [];

  /**
   * @param intents - the intents bitfield from IDENTIFY
   * @param shard - `[shard_id, shard_count]` from IDENTIFY (`[0, 1]` when it sent none)
   * @param send - writes a payload to the live socket
   * @param shardSent - whether IDENTIFY carried `shard` (READY echoes it only then)
   */
  constructor(
    readonly intents: number,
    readonly shard: ShardKey,
    private readonly send: (socket: WebSocket, payload: unknown) => void,
    readonly shardSent = true,
  ) {}

  /** Whether the session subscribed to the intent an event needs (none needed: always). */
  wants(intent: number | undefined): boolean {
    return intent === undefined || (this.intents & intent) === intent;
  }

  /** Whether this session's shard receives the events of `guildId` (undefined: an event with no guild). */
  receives(guildId: string | undefined): boolean {
    return shardReceives(this.shard, guildId);
  }

  /** Numbers a dispatch, keeps it for replay, and sends it if connected. */
  push(event: string, data: unknown): DispatchPayload {
    this.seq += 1;
    const payload: DispatchPayload = { op: GatewayOpcodes.Dispatch, t: event, s: this.seq, d: data };
    this.backlog.push(payload);
    if (this.backlog.length > BACKLOG_LIMIT) this.backlog.shift();
    if (this.socket) this.send(this.socket, payload);
    return payload;
  }

  /** The dispatches after `seq`, or undefined if `seq` cannot be resumed from. */
  missedSince(seq: number): DispatchPayload[] | undefined {
    if (seq > this.seq) return undefined;
    const missed = this.backlog.filter((p) => p.s > seq);
    const complete = missed.length === this.seq - seq;
    return complete ? missed : undefined;
  }
}
