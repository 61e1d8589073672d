import type { EventEmitter } from 'node:events';
import { GatewayOpcodes } from 'discord.js';
import { waitFor } from '../wait.ts';
import type { GatewayConnectionInfo, GatewayFrame, GatewayServer } from './gateway-server.ts';

/** A gateway session as tests see it. */
export interface GatewaySessionInfo {
  id: string;
  seq: number;
  connected: boolean;
  intents: number;
  shard: [number, number];
}

/** Which gateway frames to return; every given field must match. */
export interface FrameFilter {
  direction?: GatewayFrame['direction'];
  op?: number;
  t?: string;
}

/**
 * The gateway half of the fake's control API: raw dispatches, dropped
 * connections, RECONNECT and INVALID_SESSION, and views of sessions and frames.
 * {@link DiscordFake} extends it.
 */
export class GatewayControls {
  /**
   * @param gateway - the running gateway server
   * @param events - emits `change` when the state may have changed
   */
  constructor(
    private readonly gateway: GatewayServer,
    private readonly events: EventEmitter,
  ) {}

  /** Sends a raw dispatch (op 0) to every session whose intents include `intent`. */
  dispatch(event: string, data: unknown, intent?: number): void {
    this.gateway.dispatch(event, data, intent);
  }

  /** Drops every gateway connection (abruptly, or with `code`); sessions stay resumable. */
  dropConnection(options: { code?: number } = {}): Promise<void> {
    return this.gateway.drop(options.code);
  }

  /** Sends op 7 RECONNECT: discord.js closes and resumes. */
  sendReconnect(): void {
    this.gateway.sendToAll({ op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Sends op 9 INVALID_SESSION; unless resumable, the sessions are forgotten and clients identify again. */
  invalidateSession(resumable = false): void {
    if (!resumable) this.gateway.forgetSessions();
    this.gateway.sendToAll({ op: GatewayOpcodes.InvalidSession, d: resumable });
  }

  /** Sends any raw payload to every live gateway connection. */
  sendGatewayPayload(payload: { op: number; d: unknown }): void {
    this.gateway.sendToAll(payload);
  }

  /** Gateway payloads sent and received, oldest first. */
  gatewayFrames(filter: FrameFilter = {}): GatewayFrame[] {
    return this.gateway.frames.filter(
      (f) =>
        (!filter.direction || f.direction === filter.direction) &&
        (filter.op === undefined || f.op === filter.op) &&
        (!filter.t || f.t === filter.t),
    );
  }

  /** WebSocket connection attempts (path and query), oldest first. */
  gatewayConnections(): GatewayConnectionInfo[] {
    return [...this.gateway.connections];
  }

  /** The gateway sessions the fake holds. */
  gatewaySessions(): GatewaySessionInfo[] {
    return [...this.gateway.sessions.values()].map((s) => ({
      id: s.id,
      seq: s.seq,
      connected: s.socket !== null,
      intents: s.intents,
      shard: s.shard,
    }));
  }

  /** Resolves once a gateway session is connected (READY sent). */
  waitForSession(timeoutMs = 2000): Promise<GatewaySessionInfo> {
    return waitFor(
      this.events,
      () => this.gatewaySessions().find((s) => s.connected),
      timeoutMs,
      'a connected gateway session',
    );
  }
}
