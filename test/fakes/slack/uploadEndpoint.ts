import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileStore } from './FileStore.ts';
import { parseApiArgs, readBody } from './requestParsing.ts';

/**
 * Handles `POST /upload/<fileId>`, the URL `files.getUploadURLExternal` hands
 * out. WebClient sends the bytes as a multipart form (one file part); other
 * clients send them raw. Answers `OK - <length>` as Slack does, 404 for an unknown id.
 */
export async function handleUpload(
  files: FileStore,
  req: IncomingMessage,
  res: ServerResponse,
  fileId: string,
): Promise<void> {
  const raw = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  let bytes = raw;
  if (contentType.startsWith('multipart/form-data')) {
    const parts = await parseApiArgs(raw, contentType, new URLSearchParams());
    const filePart = Object.values(parts).find((value): value is Buffer => Buffer.isBuffer(value));
    bytes = filePart ?? Buffer.alloc(0);
  }
  const stored = files.receiveBytes(fileId, bytes);
  res.writeHead(stored ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(stored ? `OK - ${bytes.length}` : 'file_not_found');
}
