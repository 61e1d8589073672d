import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** What the fake's HTTP server routes to. */
export interface FakeRoutes {
  /** `POST|GET /api/<method>` */
  api(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void>;
  /** `POST /upload/<fileId>` */
  upload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void>;
  /** `POST /response/<id>` */
  response(req: IncomingMessage, res: ServerResponse, id: string): Promise<void>;
  /** WebSocket upgrade on `/socket?ticket=…` */
  socket(req: IncomingMessage, socket: Duplex, head: Buffer, ticket: string | null): void;
}

/** The listening server: its base URL and how to stop it. */
export interface ListeningServer {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the fake's single `node:http` server on 127.0.0.1 (port 0 picks a free one). */
export async function listen(routes: FakeRoutes, port = 0): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    route(routes, req, res).catch((error: unknown) => {
      // A bug in the fake itself: say so loudly rather than hang the client.
      console.error('Slack fake: internal error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`slack fake internal error: ${String(error)}`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/socket') routes.socket(req, socket, head, url.searchParams.get('ticket'));
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${actualPort}`, close: () => closeServer(server) };
}

async function route(routes: FakeRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const [, area, name] = url.pathname.split('/');
  if (area === 'api' && name) return routes.api(req, res, name, url.searchParams);
  if (req.method === 'POST' && area === 'upload' && name) return routes.upload(req, res, name);
  if (req.method === 'POST' && area === 'response' && name) return routes.response(req, res, name);
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
