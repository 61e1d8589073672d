/**
 * The ops endpoints, on node:http at OPS_HOST:OPS_PORT (127.0.0.1 unless set otherwise):
 *
 * - GET /health/live: 200 while the process is up (and answering), with its uptime.
 * - GET /health/ready: 200 when every part is ready, else 503; JSON with each part and the reason of any that is
 *   not (readiness.ts).
 * - GET /metrics: the registry in Prometheus's text format, with the registry's own content type
 *   (`text/plain; version=0.0.4; charset=utf-8` for prom-client's default registry type).
 *
 * Anything else is 404. No endpoint reads a request body or takes parameters.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './readiness.ts';
import { defaultLogger, type Logger } from '../log.ts';

/** What /metrics serves (a prom-client Registry). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** How the ops server runs. */
export interface OpsServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  readiness(): Promise<Readiness>;
  metrics: MetricsSource;
  /** Where errors answering a request are told. */
  log?: Logger;
}

/** The running ops server. */
export interface OpsServer {
  /** `http://host:port`, with the port it got. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function answer(req: IncomingMessage, res: ServerResponse, options: OpsServerOptions): Promise<void> {
  const path = new URL(`http://ops${req.url?.startsWith('/') ? req.url : '/'}`).pathname;
  const route = req.method === 'GET' ? path : '';
  if (route === '/health/live') return sendJson(res, 200, { live: true, uptime_s: Math.round(process.uptime()) });
  if (route === '/health/ready') {
    const ready = await options.readiness();
    return sendJson(res, ready.ready ? 200 : 503, ready);
  }
  if (route === '/metrics') {
    const text = await options.metrics.metrics();
    res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
    res.end(text);
    return;
  }
  sendJson(res, 404, { error: `nothing at ${req.method} ${path}: try /health/live, /health/ready or /metrics` });
}

/** Starts listening; rejects with a clear message when the port is taken. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const log = options.log ?? defaultLogger();
  const server: Server = createServer((req, res) => {
    answer(req, res, options).catch((error: Error) => {
      log.error(
        { method: req.method, path: req.url },
        `storyloom ops: ${req.method} ${req.url} failed: ${error.stack ?? error}`,
      );
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      const { port, host } = options;
      reject(new Error(`storyloom: OPS_PORT ${port} on ${host} is already in use. Choose another OPS_PORT.`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's kept-alive connection would hold close() up.
        server.closeAllConnections();
      }),
  };
}
