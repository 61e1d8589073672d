import type { IncomingMessage, ServerResponse } from 'node:http';
import { DriveError } from './drive-error.ts';
import type { Reply } from './handlers/handler.ts';

/** Reads a whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The reply for an error: a DriveError as Drive shapes it, anything else as a 500 naming the bug. */
export function errorReply(err: unknown): Reply {
  const driveError =
    err instanceof DriveError
      ? err
      : new DriveError(
          500,
          'internalError',
          `Drive fake bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
  return { status: driveError.code, json: driveError.toBody(), headers: driveError.extras.headers };
}

/** Writes a reply (JSON, raw bytes, or an empty body). Does nothing if the socket is gone. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  let body: Buffer | undefined;
  if (reply.bytes !== undefined) {
    body = reply.bytes;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] = 'application/json; charset=UTF-8';
  }
  if (body !== undefined) headers['content-length'] = String(body.length);
  res.writeHead(reply.status, headers);
  res.end(body);
}
