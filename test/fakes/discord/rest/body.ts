import type { IncomingMessage } from 'node:http';
import { apiError, ErrorCode } from '../errors.ts';

/** One file part of a multipart request, as discord.js sends attachments (`files[n]`). */
export interface UploadedFile {
  /** The form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A request body after parsing: JSON, or multipart with `payload_json` and files. */
export interface ParsedBody {
  /** The JSON body, or the parsed `payload_json` of a multipart body; undefined if none. */
  json: unknown;
  /** The file parts of a multipart body, in order. */
  files: UploadedFile[];
  /** The non-file fields of a multipart body, raw. */
  fields: Record<string, string>;
}

/** Reads a request's whole body. */
export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Parses a body by its Content-Type: `application/json`, or `multipart/form-data`
 * (parsed with the platform's own FormData parser). Bad JSON answers 400 50109.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const empty: ParsedBody = { json: undefined, files: [], fields: {} };
  if (raw.length === 0) return empty;
  if (contentType?.startsWith('multipart/form-data')) return parseMultipart(raw, contentType);
  return { ...empty, json: parseJson(raw.toString('utf8')) };
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const parsed: ParsedBody = { json: undefined, files: [], fields: {} };
  for (const [field, value] of form) {
    if (typeof value === 'string') {
      parsed.fields[field] = value;
      continue;
    }
    parsed.files.push({
      field,
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      data: Buffer.from(await value.arrayBuffer()),
    });
  }
  const payload = parsed.fields.payload_json;
  if (payload !== undefined) parsed.json = parseJson(payload);
  return parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(ErrorCode.InvalidJson);
  }
}
