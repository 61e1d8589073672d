/** The playground's live feed: server-sent events to every open page. */
import type { ServerResponse } from 'node:http';

/** Connected pages, and what they are sent. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  /** Starts an event stream on `res`. */
  open(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    // A comment every 15 s keeps proxies and browsers from closing an idle stream.
    this.timer ??= setInterval(() => this.comment(), 15_000);
    this.timer.unref();
  }

  /** Sends an event to every page. */
  send(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  private comment(): void {
    for (const res of this.clients) res.write(': keep-alive\n\n');
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  get size(): number {
    return this.clients.size;
  }
}
