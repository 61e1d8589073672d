/**
 * The playground's live feed: server-sent events to every open page. Besides the
 * stories' news, every stream gets an `alive` event when it opens and then every
 * `aliveMs`, so a page that hears nothing for a few of them knows the server is gone
 * even when no connection was closed (a machine asleep, a process stopped with SIGSTOP).
 *
 * The events: `story` (any change to a story: storyEventData), `line`, `progress`,
 * `failure` and `vote` (delivery.ts), `worker` (health) and `alive`. A vote's changes
 * come as a `story` event of kind 'vote' the moment core makes them (a vote opened,
 * a ballot cast or moved, the vote closed), then as a `vote` event when core shows it.
 */
import type { ServerResponse } from 'node:http';
import type { StoryEvent } from '../../core/types.ts';
import { storyView } from './render.ts';

/**
 * A `story` event's data: what changed ('started', 'line', 'undo', 'branch', 'switch', 'ended', 'thread',
 * 'pending', or 'vote': a vote opened, counted a ballot or closed) and the story as it is now, its vote included.
 */
export function storyEventData(e: StoryEvent) {
  return { kind: e.kind, story: storyView(e.story) };
}

/** How often each stream hears `alive` by default. */
export const ALIVE_MS = 5_000;

/** Connected pages, and what they are sent. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly aliveMs = ALIVE_MS) {}

  /** Starts an event stream on `res`. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(this.aliveFrame());
    // Also keeps proxies and browsers from closing an idle stream.
    this.timer ??= setInterval(() => this.ping(), this.aliveMs);
    this.timer.unref();
  }

  /** Sends an event to every page. */
  send(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  private aliveFrame(): string {
    return `event: alive\ndata: ${JSON.stringify({ at: new Date().toISOString(), everyMs: this.aliveMs })}\n\n`;
  }

  private ping(): void {
    const frame = this.aliveFrame();
    for (const res of this.clients) res.write(frame);
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
