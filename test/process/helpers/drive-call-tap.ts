/**
 * A pass-through HTTP proxy in front of the Drive fake that sees what the fake's
 * counts cannot tell apart: which `files.update` calls move a file to the trash
 * (a metadata PATCH with `"trashed": true`), and every answer's status, by the
 * side that made the call (told by its bearer token). Requests and answers pass
 * unchanged, the Host header included, so URLs the fake builds from it (resumable
 * upload sessions) point back at the tap.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the tap saw from one side. */
export interface TapSide {
  /** Metadata updates with `"trashed": true`, by the status Drive answered. */
  trashes: Record<number, number>;
  /** Every call's answer, by status. */
  statuses: Record<number, number>;
}

const TRASH_PATH = /^\/drive\/v3\/files\/[^/?]+(\?|$)/;

/** Whether a request moves a file to the trash: a JSON PATCH of a file's metadata that sets `trashed: true`. */
function isTrash(req: IncomingMessage, body: Buffer): boolean {
  if (req.method !== 'PATCH' || !TRASH_PATH.test(req.url ?? '')) return false;
  try {
    return (JSON.parse(body.toString('utf8')) as { trashed?: unknown }).trashed === true;
  } catch {
    return false;
  }
}

/** The proxy; `labels` maps access tokens to side names (others count as `anonymous`). */
export class DriveCallTap {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true });
  private seen: Record<string, TapSide> = {};

  private constructor(
    private readonly target: URL,
    private readonly labels: Record<string, string>,
  ) {
    this.server = createServer((req, res) => this.pass(req, res));
  }

  /** Starts a tap in front of `targetUrl` on a free port of 127.0.0.1. */
  static async start(targetUrl: string, labels: Record<string, string>): Promise<DriveCallTap> {
    const tap = new DriveCallTap(new URL(targetUrl), labels);
    await new Promise<void>((resolve) => tap.server.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  /** The URL to give the processes instead of the fake's. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What each side's calls were since the start or the last `reset()`. */
  sides(): Record<string, TapSide> {
    return structuredClone(this.seen);
  }

  /** Starts counting from zero. */
  reset(): void {
    this.seen = {};
  }

  /** Stops listening and drops kept-alive connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private side(req: IncomingMessage): TapSide {
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const label = this.labels[token] ?? 'anonymous';
    this.seen[label] ??= { trashes: {}, statuses: {} };
    return this.seen[label];
  }

  private pass(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const trash = isTrash(req, body);
      const upstream = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: this.agent,
        },
        (answer) => {
          const status = answer.statusCode ?? 0;
          const side = this.side(req);
          side.statuses[status] = (side.statuses[status] ?? 0) + 1;
          if (trash) side.trashes[status] = (side.trashes[status] ?? 0) + 1;
          res.writeHead(status, answer.headers);
          answer.pipe(res);
        },
      );
      // A dropped connection upstream (a fault) is dropped here too, as the client would see it.
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  }
}
