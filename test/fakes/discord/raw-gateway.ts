/** A raw WebSocket client of the fake's gateway, for tests of the gateway protocol itself. */
import { GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { WebSocket } from 'ws';

/** A gateway payload as received; a test casts `d` to what the event it expects carries. */
export interface Payload {
  op: number;
  t?: string;
  s?: number;
  d: unknown;
}

/** One open gateway connection. */
export interface RawGateway {
  send(payload: unknown): void;
  /** The next payload received (queued ones first). */
  next(): Promise<Payload>;
  /** Resolves with the close code. */
  closed: Promise<number>;
}

/** Opens a raw WebSocket to the fake's gateway, queueing every payload it receives. */
export async function connect(url: string): Promise<RawGateway> {
  const ws = new WebSocket(url);
  const queue: Payload[] = [];
  const waiters: ((p: Payload) => void)[] = [];
  ws.on('message', (data) => {
    const payload = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(payload);
    else queue.push(payload);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    send: (payload) => ws.send(JSON.stringify(payload)),
    next: () =>
      queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<Payload>((resolve) => waiters.push(resolve)),
    closed,
  };
}

/** An IDENTIFY payload; `shard` is left out when null. */
export function identify(token: string, intents: number = GatewayIntentBits.Guilds, shard: unknown = [0, 1]) {
  return {
    op: GatewayOpcodes.Identify,
    d: {
      token,
      intents,
      properties: { os: 'linux', browser: 'test', device: 'test' },
      ...(shard === null ? {} : { shard }),
    },
  };
}
