/**
 * Role: the chat adapter, started and stopped by main.ts (the same file on Discord
 * and Slack). The playground is the whole bot in a local web chat (`npm start`),
 * served on 127.0.0.1: the page, its JSON API (api.ts), and a live feed of
 * stories, progress and worker health (events.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../../config.ts';
import type { ChatCore } from '../../core/chat-core.ts';
import type { Logger } from '../../log.ts';
import type { FailureDelivery, LineDelivery, ProgressDelivery, StoryEvent, VoteDelivery } from '../../core/types.ts';
import { isUserError } from '../../stories/errors.ts';
import { APOLOGY, type ChatAdapter, type ChatHealth } from '../adapter.ts';
import { PlaygroundApi } from './api.ts';
import { PlaygroundDelivery } from './delivery.ts';
import { EventHub, storyEventData } from './events.ts';
import { HttpError, sendJson, sendUserError, STATUS_OF } from './http.ts';
import { serveStatic } from './static.ts';
import { InProgress } from '../../core/in-progress.ts';

/** The playground's timings; tests make them short. */
export interface PlaygroundOptions {
  /** How often heartbeats are re-checked for freshness, since a worker that goes silent writes nothing. */
  healthCheckMs?: number;
  /** How often each page hears `alive` on its event stream. */
  aliveMs?: number;
  /** How long stopping waits for requests being answered (a /story in flight gets its reply). */
  drainMs?: number;
}

/** The local web chat. */
export class PlaygroundAdapter implements ChatAdapter {
  readonly platform = 'playground';
  readonly events: EventHub;
  private readonly api: PlaygroundApi;
  private server: Server | undefined;
  /** The responses still being answered, so stopping can wait for them. */
  private readonly inFlight = new InProgress();
  private stopping = false;
  private unsubscribe: (() => void)[] = [];
  private readonly delivery: PlaygroundDelivery;
  private healthTimer: NodeJS.Timeout | undefined;
  private lastHealth = '';

  constructor(
    private readonly config: Config,
    private readonly core: ChatCore,
    private readonly log: Logger,
    private readonly options: PlaygroundOptions = {},
  ) {
    this.api = new PlaygroundApi(core, config.PLAYGROUND_ADMINS);
    this.events = new EventHub(options.aliveMs);
    this.delivery = new PlaygroundDelivery(this.events);
  }

  /** The address it listens on, once started. */
  get url(): string {
    const address = this.server?.address();
    const port = typeof address === 'object' && address ? address.port : this.config.PLAYGROUND_PORT;
    return `http://${this.config.PLAYGROUND_HOST}:${port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          const { PLAYGROUND_PORT: port, PLAYGROUND_HOST: host } = this.config;
          reject(
            new Error(
              `storyloom: port ${port} on ${host} is already in use (another storyloom, or another ` +
                `program). Stop it, or start on another port: PLAYGROUND_PORT=${port + 1} npm start`,
            ),
          );
        } else reject(error);
      });
      server.listen(this.config.PLAYGROUND_PORT, this.config.PLAYGROUND_HOST, () => resolve());
    });
    this.core.registerDelivery('playground', this);
    const onStory = (e: StoryEvent) => this.events.send('story', storyEventData(e));
    this.unsubscribe.push(this.core.onStoryEvent(onStory));
    this.unsubscribe.push(this.core.onWorkerChange(() => this.sendWorker(true)));
    // A heartbeat going stale changes no file, so no change event comes: look again on a timer.
    this.healthTimer = setInterval(() => this.sendWorker(false), this.options.healthCheckMs ?? 1000);
    this.healthTimer.unref();
    this.sendWorker(false);
  }

  /** Pushes the worker's health: on every heartbeat change, or when the timer sees it go on or offline or change. */
  private sendWorker(always: boolean): void {
    const health = this.core.workerHealth();
    const key = `${health.online}:${health.id}:${health.state}`;
    if (!always && key === this.lastHealth) return;
    this.lastHealth = key;
    this.events.send('worker', health);
  }

  /**
   * Stops serving. Requests being answered get their answers first (for up to
   * `drainMs`): a /story in flight at Ctrl-C would otherwise make its story while
   * the page that asked never learns which one. Then the pages' event streams end,
   * which tells them at once that the server is gone.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.healthTimer);
    const server = this.server;
    // Stop taking connections now; close() also ends the kept-alive ones that are idle.
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await this.inFlight.settled(this.options.drainMs ?? 5_000);
    for (const off of this.unsubscribe.splice(0)) off();
    this.events.close();
    // close() waits for every connection to end; a page's kept-alive one would hold it up for seconds.
    server?.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The request target is appended to a fixed origin, so `//host`-style or odd targets stay a path and never throw.
    const url = new URL(`http://playground${req.url?.startsWith('/') ? req.url : '/'}`);
    if (this.stopping) {
      const message = 'The storyloom server is stopping. The page reconnects by itself when it is back.';
      return sendJson(res, 503, { error: { code: 'stopping', message } }, { connection: 'close' });
    }
    try {
      if (req.method === 'GET' && url.pathname === '/api/events') return this.events.open(res);
      // Counted until it is sent (or its connection drops).
      void this.inFlight.track(new Promise<void>((resolve) => res.once('close', () => resolve())));
      if (req.method === 'GET' && url.pathname === '/healthz') {
        return sendJson(res, 200, { ok: true, transport: this.core.mailbox, worker: this.core.workerHealth() });
      }
      if (await this.api.route(req, res, url)) return;
      if (req.method === 'GET' && (await serveStatic(url.pathname, res))) return;
      throw new HttpError(404, 'not_found', `Nothing at ${url.pathname}.`);
    } catch (error) {
      if (error instanceof HttpError) return sendUserError(res, error.status, error);
      if (isUserError(error)) return sendUserError(res, STATUS_OF[error.code], error);
      const fields = { platform: 'playground', method: req.method, path: url.pathname, error: String(error) };
      const where = `${req.method} ${url.pathname}`;
      this.log.error(fields, `storyloom playground: ${where} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: APOLOGY } });
    }
  }

  /** Ready while its server listens (not once it is stopping). */
  health(): ChatHealth {
    if (this.server?.listening && !this.stopping) return { ready: true };
    return { ready: false, reason: this.stopping ? 'the playground is stopping' : 'the playground is not listening' };
  }

  deliverLine(delivery: LineDelivery): Promise<void> {
    return this.delivery.deliverLine(delivery);
  }

  deliverProgress(delivery: ProgressDelivery): Promise<void> {
    return this.delivery.deliverProgress(delivery);
  }

  deliverFailure(delivery: FailureDelivery): Promise<void> {
    return this.delivery.deliverFailure(delivery);
  }

  deliverVote(delivery: VoteDelivery): Promise<string> {
    return this.delivery.deliverVote(delivery);
  }
}

/** Makes the playground adapter (main.ts starts it). */
export function createPlaygroundAdapter(config: Config, core: ChatCore, log: Logger): PlaygroundAdapter {
  return new PlaygroundAdapter(config, core, log);
}
