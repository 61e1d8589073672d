import type { IncomingMessage } from 'node:http';

/** Form fields whose value is JSON text in a form-encoded Web API call. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files', 'user_auth_blocks']);

/** Reads a request's whole body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Why an API body could not be read; the fake answers `{ ok: false, error }`. */
export class BodyParseError extends Error {
  constructor(readonly slackError: string) {
    super(slackError);
  }
}

/**
 * Parses Web API arguments the way Slack accepts them: a JSON body, a
 * form-encoded body (JSON-valued fields such as `blocks` decoded), or a
 * multipart body (file parts become Buffers), plus query-string arguments.
 */
export async function parseApiArgs(
  raw: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = Object.fromEntries(query.entries());
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return args;
  if (type === 'application/json') return { ...args, ...parseJsonObject(raw.toString('utf8')) };
  if (type === 'multipart/form-data') return { ...args, ...(await parseMultipart(raw, contentType ?? '')) };
  return { ...args, ...parseForm(raw.toString('utf8')) };
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Falls through to Slack's error for an unreadable JSON body.
  }
  throw new BodyParseError('invalid_json');
}

function parseForm(text: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) args[key] = decodeField(key, value);
  return args;
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  // Node's fetch Response knows how to parse multipart/form-data; no parser of our own needed.
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const args: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    args[key] = typeof value === 'string' ? decodeField(key, value) : Buffer.from(await value.arrayBuffer());
  }
  return args;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Slack reports an undecodable JSON field as invalid arguments of that field.
    throw new BodyParseError(key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments');
  }
}

/** The token a Web API call carries: `Authorization: Bearer …` first, else a `token` argument. */
export function tokenOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (match?.[1]) return match[1].trim();
  return typeof args.token === 'string' && args.token.length > 0 ? args.token : undefined;
}

/** Reads a boolean-ish argument as Slack does: true, "true" and "1" are true. */
export function boolArg(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return value === true || value === 1 || value === 'true' || value === '1';
}

/** Reads a string argument; numbers are accepted and stringified. */
export function stringArg(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}
