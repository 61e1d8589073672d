/**
 * The playground: the whole bot in a local web chat (`npm start`). A chat adapter
 * like the Discord and Slack ones, served on 127.0.0.1: the page, its JSON API,
 * and a live feed of stories, progress and worker health.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Bot } from '../../app.ts';
import type { Config } from '../../config.ts';
import { isUserError } from '../../core/errors.ts';
import type { FailureDelivery, LineDelivery, ProgressDelivery } from '../../core/types.ts';
import { APOLOGY, type ChatAdapter } from '../adapter.ts';
import { RecentKeys } from '../recent.ts';
import { PlaygroundApi } from './api.ts';
import { EventHub } from './events.ts';
import { HttpError, sendJson, STATUS_OF } from './http.ts';
import { lineView, storyView, workerHealth } from './views.ts';

const STATIC: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/api.js': ['api.js', 'text/javascript; charset=utf-8'],
  '/view.js': ['view.js', 'text/javascript; charset=utf-8'],
  '/composer.js': ['composer.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/** The local web chat. */
export class PlaygroundAdapter implements ChatAdapter {
  readonly platform = 'playground';
  readonly events = new EventHub();
  private readonly api: PlaygroundApi;
  private server: Server | undefined;
  private unsubscribe: (() => void)[] = [];

  /** The lines already sent to the pages. */
  private readonly postedLines = new RecentKeys();
  private healthTimer: NodeJS.Timeout | undefined;
  private lastHealth = '';

  /** `healthCheckMs`: how often heartbeats are re-checked for freshness, since a worker that goes silent writes nothing. */
  constructor(private readonly config: Config, private readonly bot: Bot, private readonly log: (message: string) => void, private readonly options: { healthCheckMs?: number } = {}) {
    this.api = new PlaygroundApi(bot.core, config.PLAYGROUND_ADMINS);
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
          reject(new Error(`storyloom: port ${this.config.PLAYGROUND_PORT} on ${this.config.PLAYGROUND_HOST} is already in use (another storyloom, or another program). ` +
            `Stop it, or start on another port: PLAYGROUND_PORT=${this.config.PLAYGROUND_PORT + 1} npm start`));
        } else reject(error);
      });
      server.listen(this.config.PLAYGROUND_PORT, this.config.PLAYGROUND_HOST, () => resolve());
    });
    this.bot.deliveries.register('playground', this);
    this.unsubscribe.push(this.bot.core.onStoryEvent((e) => this.events.send('story', { kind: e.kind, story: storyView(e.story) })));
    this.unsubscribe.push(this.bot.workers.subscribe(() => this.sendWorker(true)));
    // A heartbeat going stale changes no file, so no change event comes: look again on a timer.
    this.healthTimer = setInterval(() => this.sendWorker(false), this.options.healthCheckMs ?? 1000);
    this.healthTimer.unref();
    this.sendWorker(false);
  }

  /** Pushes the worker's health: on every heartbeat change, or when the timer sees it go online/offline or change state. */
  private sendWorker(always: boolean): void {
    const health = workerHealth(this.bot.workers.workers());
    const key = `${health.online}:${health.id}:${health.state}`;
    if (!always && key === this.lastHealth) return;
    this.lastHealth = key;
    this.events.send('worker', health);
  }

  async stop(): Promise<void> {
    clearInterval(this.healthTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    this.events.close();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() waits for every connection to end; a page's kept-alive one would hold it up for seconds.
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The request target is appended to a fixed origin, so `//host`-style or odd targets stay a path and never throw.
    const url = new URL(`http://playground${req.url?.startsWith('/') ? req.url : '/'}`);
    try {
      if (req.method === 'GET' && url.pathname === '/api/events') return this.events.open(res);
      if (req.method === 'GET' && url.pathname === '/healthz') {
        return sendJson(res, 200, { ok: true, transport: this.bot.transport.description, worker: workerHealth(this.bot.workers.workers()) });
      }
      if (await this.api.route(req, res, url)) return;
      const asset = STATIC[url.pathname];
      if (req.method === 'GET' && asset) {
        const body = await readFile(new URL(`./public/${asset[0]}`, import.meta.url));
        res.writeHead(200, { 'content-type': asset[1], 'cache-control': 'no-cache' });
        return void res.end(body);
      }
      throw new HttpError(404, 'not_found', `Nothing at ${url.pathname}.`);
    } catch (error) {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
      if (isUserError(error)) return sendJson(res, STATUS_OF[error.code], { error: { code: error.code, message: error.message } });
      this.log(`storyloom playground: ${req.method} ${url.pathname} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: APOLOGY } });
    }
  }

  /**
   * Sends a line to the open pages, once per line id: a repeat is a no-op. Pages
   * draw a thread from the story itself (and load it again when they reconnect to
   * a restarted bot), so a line never shows twice.
   */
  async deliverLine(d: LineDelivery): Promise<void> {
    if (!this.postedLines.first(d.line.id)) return;
    this.events.send('line', { storyId: d.story.id, jobId: d.jobId, line: lineView(d.line), story: storyView(d.story) });
  }

  async deliverProgress(d: ProgressDelivery): Promise<void> {
    this.events.send('progress', { storyId: d.story.id, jobId: d.jobId, text: d.text, progress: d.progress, requestedBy: d.requestedBy.name });
  }

  async deliverFailure(d: FailureDelivery): Promise<void> {
    this.events.send('failure', { storyId: d.story.id, jobId: d.jobId, text: d.text, requestedBy: d.requestedBy.name });
  }
}

/** Makes the playground adapter (main.ts starts it). */
export function createPlaygroundAdapter(config: Config, bot: Bot, log: (message: string) => void): PlaygroundAdapter {
  return new PlaygroundAdapter(config, bot, log);
}
