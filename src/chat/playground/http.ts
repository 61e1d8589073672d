/** Small HTTP helpers for the playground: JSON bodies with a size limit, JSON replies, status codes for errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserError, UserErrorCode } from '../../stories/errors.ts';

/** An error with an HTTP status, shown to the client as `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status for each user error. */
export const STATUS_OF: Record<UserErrorCode, number> = {
  empty: 400,
  too_long: 413,
  bad_option: 400,
  unknown_command: 400,
  not_in_story: 400,
  not_found: 404,
  story_ended: 409,
  busy: 409,
  moved_on: 409,
  nothing_to_undo: 409,
  nothing_to_retry: 409,
  has_branches: 409,
  forbidden: 403,
  cooldown: 429,
  in_flight_cap: 429,
  queue_full: 503,
  timeout: 504,
  stopping: 503,
  // A vote: the story waits for it to close (vote_open), it closed already, there is none, or the button pressed
  // belongs to another story's vote (a request that can never be right, so not a conflict).
  vote_open: 409,
  vote_closed: 409,
  no_vote: 409,
  other_story: 400,
};

/** The largest request body the playground reads. */
export const MAX_BODY = 64 * 1024;

/** Reads a JSON object body, or throws an HttpError (400 for bad JSON, 413 when too large, 415 for other types). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'bad_request', 'Send JSON with Content-Type: application/json.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'too_long', `The request is over ${MAX_BODY / 1024} kB.`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_request', 'The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad_request', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** Sends a JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Sends a user error as `{error: {code, message, retryAfterMs?}}`. A limit that clears
 * with time carries `retryAfterMs`, also as a Retry-After header (whole seconds), so a
 * page can count down and a script can wait.
 */
export function sendUserError(res: ServerResponse, status: number, error: UserError | HttpError): void {
  const ms = 'retryAfterMs' in error ? error.retryAfterMs : undefined;
  const wait = typeof ms === 'number' && ms > 0 ? Math.ceil(ms) : null;
  const { code, message } = error;
  if (wait === null) {
    sendJson(res, status, { error: { code, message } });
    return;
  }
  const retryAfter = String(Math.ceil(wait / 1000));
  sendJson(res, status, { error: { code, message, retryAfterMs: wait } }, { 'retry-after': retryAfter });
}

/** A string field of a body, checked. */
export function field(body: Record<string, unknown>, name: string, required: boolean, max: number): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, 'bad_request', `"${name}" is missing.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new HttpError(400, 'bad_request', `"${name}" must be a string.`);
  if (value.length > max) throw new HttpError(413, 'too_long', `"${name}" is over ${max} characters.`);
  return value;
}
