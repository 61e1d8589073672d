import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { randomHex } from './ids.ts';
import { waitFor } from './waitFor.ts';

/** One Socket Mode connection the fake accepted. */
export interface SocketConnection {
  /** 1 for the first connection, 2 for the next, … */
  seq: number;
  openedAt: number;
  closedAt?: number;
  /** The close code the fake saw (1000 for a clean close, 1006 for an abrupt one). */
  closeCode?: number;
  /** True once the fake asked this connection to go away; nothing more is delivered on it. */
  draining: boolean;
  socket: WebSocket;
}

/** What `waitForConnection` takes. */
export interface WaitForConnectionOptions {
  timeoutMs?: number;
  /** Wait for a connection with a higher `seq` than this (e.g. the count before a reconnect). */
  newerThan?: number;
}

/**
 * Slack's Socket Mode endpoint. `apps.connections.open` gets a single-use URL
 * from `issueUrl`; a client connecting with it gets a `hello`. The fake
 * delivers envelopes on the newest live connection and hands every message the
 * client sends (acks) to `onClientMessage`.
 */
export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly all: SocketConnection[] = [];

  constructor(
    private readonly appId: string,
    private readonly onClientMessage: (message: unknown, connection: SocketConnection) => void,
  ) {}

  /** A fresh single-use `ws://…/socket?ticket=…` URL under this base (`http://127.0.0.1:PORT`). */
  issueUrl(baseUrl: string): string {
    const ticket = randomHex(12);
    this.tickets.add(ticket);
    return `${baseUrl.replace(/^http/, 'ws')}/socket?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Takes over an HTTP upgrade to `/socket`; refuses a missing or reused ticket with 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ticket: string | null): void {
    if (ticket === null || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Every connection so far, oldest first. */
  connections(): SocketConnection[] {
    return [...this.all];
  }

  /** The number of connections ever opened (the `seq` of the newest). */
  get opened(): number {
    return this.all.length;
  }

  /** The newest connection that is open and not draining, if any. */
  live(): SocketConnection | undefined {
    return [...this.all].reverse().find((c) => !c.draining && c.socket.readyState === WebSocket.OPEN);
  }

  /** Resolves with a live connection, waiting for one if needed. */
  waitForConnection(options: WaitForConnectionOptions = {}): Promise<SocketConnection> {
    const { timeoutMs = 10_000, newerThan = 0 } = options;
    return waitFor(
      () => {
        const connection = this.live();
        return connection && connection.seq > newerThan ? connection : undefined;
      },
      timeoutMs,
      `a Socket Mode connection newer than #${newerThan}`,
    );
  }

  /** Sends one JSON message on a connection. */
  send(connection: SocketConnection, message: unknown): void {
    connection.socket.send(JSON.stringify(message));
  }

  /** Sends Slack's `disconnect` message to every live connection; the client should open a new one. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const connection of this.openConnections()) {
      connection.draining = true;
      this.send(connection, { type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
    }
  }

  /** Cuts every connection without a close handshake, as a network failure would. */
  dropConnections(): void {
    for (const connection of this.openConnections()) {
      connection.draining = true;
      connection.socket.terminate();
    }
  }

  /** Closes every connection and stops accepting new ones. */
  async close(): Promise<void> {
    for (const connection of this.openConnections()) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private openConnections(): SocketConnection[] {
    return this.all.filter((c) => c.socket.readyState === WebSocket.OPEN);
  }

  private accept(socket: WebSocket): void {
    const connection: SocketConnection = { seq: this.all.length + 1, openedAt: Date.now(), draining: false, socket };
    this.all.push(connection);
    socket.on('message', (data: RawData) => this.receive(data, connection));
    socket.on('close', (code: number) => {
      connection.closedAt = Date.now();
      connection.closeCode = code;
    });
    socket.on('error', () => socket.terminate());
    this.send(connection, {
      type: 'hello',
      num_connections: this.openConnections().length,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.appId },
    });
  }

  private receive(data: RawData, connection: SocketConnection): void {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = { unparsable: text };
    }
    this.onClientMessage(message, connection);
  }
}
