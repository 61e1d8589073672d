/**
 * A small file's body carried in its public Drive `properties`, so that the
 * changes feed delivers it and a reader needs no `files.get?alt=media`.
 *
 * The layout (colab/transport/drive/body_properties.py writes and reads the same):
 * - `sl`: the header, `1:<chunks>:<bytes>:<sha256>`: the layout's version, the
 *   number of chunks, the body's length in UTF-8 bytes and its SHA-256 (hex).
 * - `sl0`, `sl1`, …: the body, cut into chunks that never split a character,
 *   each with its key at most 124 bytes of UTF-8 (Drive's limit for one property,
 *   key and value together); at most 29 of them (Drive allows 30 public
 *   properties per file, the header is one): about 3.5 kB in all.
 *
 * Public `properties`, not `appProperties`: those are private to the OAuth client
 * that wrote them, and the Colab worker signs in through Colab's own client.
 * The file's content stays the source of truth: it is written in the same
 * request, and a body that does not fit, or a property set that does not add
 * up (a count, a length or a checksum that differs, the file's own
 * `sha256Checksum` when Drive gives one), is read from the content instead.
 */
import { createHash } from 'node:crypto';
import type { Folder } from '../transport.ts';

/** Drive's limits on public properties, and the layout's names. */
export const BODY_PROPERTIES = {
  /** The header's key; chunk `i` is `${header}${i}`. */
  header: 'sl',
  /** The layout's version, the header's first field. */
  layout: '1',
  /** Public properties per file, from all sources (Drive's limit). */
  maxProperties: 30,
  /** UTF-8 bytes of one property, key and value together (Drive's limit). */
  maxPropertyBytes: 124,
} as const;

/**
 * The folders whose bodies ride in properties: their files are written once
 * (requests, responses, control commands), so a body the feed brought stays the
 * file's content for as long as the file exists. Files that are overwritten
 * (heartbeats, stories, models) are read from their content, always current.
 */
export const BODY_FOLDERS: ReadonlySet<Folder> = new Set(['requests', 'responses', 'control']);

/** The most chunks: every property but the header. */
const MAX_CHUNKS = BODY_PROPERTIES.maxProperties - 1;
const HEADER = /^1:(\d{1,2}):(\d{1,5}):([0-9a-f]{64})$/;
/** A lone surrogate: text that UTF-8 cannot carry as it is. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The key of chunk `i`. */
export function chunkKey(i: number): string {
  return `${BODY_PROPERTIES.header}${i}`;
}

/** The most UTF-8 bytes the chunks hold, all full. */
export const BODY_CAPACITY = Array.from(
  { length: MAX_CHUNKS },
  (_, i) => BODY_PROPERTIES.maxPropertyBytes - chunkKey(i).length,
).reduce((a, b) => a + b);

/** The properties that carry `body`, or undefined when it does not fit (or is not well-formed text). */
export function bodyToProperties(body: string): Record<string, string> | undefined {
  // A UTF-16 unit is at least one UTF-8 byte: a long string is rejected without a walk through it.
  if (body.length > BODY_CAPACITY || LONE_SURROGATE.test(body)) return undefined;
  const chunks: string[] = [];
  let chunk = '';
  let used = 0;
  // for…of walks code points: a surrogate pair stays whole.
  for (const char of body) {
    const size = utf8Length(char.codePointAt(0)!);
    if (used + size > BODY_PROPERTIES.maxPropertyBytes - chunkKey(chunks.length).length) {
      chunks.push(chunk);
      if (chunks.length >= MAX_CHUNKS) return undefined;
      [chunk, used] = ['', 0];
    }
    chunk += char;
    used += size;
  }
  if (chunk) chunks.push(chunk);
  const properties: Record<string, string> = {
    [BODY_PROPERTIES.header]: `${BODY_PROPERTIES.layout}:${chunks.length}:${Buffer.byteLength(body)}:${sha256(body)}`,
  };
  chunks.forEach((c, i) => {
    properties[chunkKey(i)] = c;
  });
  return properties;
}

/**
 * What an update sends: `properties`, and null (delete) for every other key of
 * the layout, so that no chunk of an older body is left behind.
 */
export function clearingTheRest(properties: Record<string, string> | undefined): Record<string, string | null> {
  const cleared: Record<string, string | null> = { [BODY_PROPERTIES.header]: null };
  for (let i = 0; i < MAX_CHUNKS; i++) cleared[chunkKey(i)] = null;
  return { ...cleared, ...properties };
}

/**
 * The properties a write of `body` to `folder` sends: on a create, the body's
 * (none when it does not fit); on an overwrite, those and the deletion of the
 * rest of the layout. None at all outside BODY_FOLDERS.
 */
export function bodyPropertiesFor(
  folder: Folder,
  body: string,
): { create?: Record<string, string>; update?: Record<string, string | null> } {
  if (!BODY_FOLDERS.has(folder)) return {};
  const create = bodyToProperties(body);
  return { create, update: clearingTheRest(create) };
}

/**
 * The body the properties carry, or undefined when they carry none or do not
 * add up; `contentSha256` is the file's sha256Checksum, when Drive gives one.
 */
export function bodyFromProperties(
  properties: Record<string, string> | null | undefined,
  contentSha256?: string | null,
): string | undefined {
  const match = HEADER.exec(properties?.[BODY_PROPERTIES.header] ?? '');
  if (!properties || !match || Number(match[1]) > MAX_CHUNKS) return undefined;
  let body = '';
  for (let i = 0; i < Number(match[1]); i++) {
    const chunk = properties[chunkKey(i)];
    if (typeof chunk !== 'string') return undefined;
    body += chunk;
  }
  if (LONE_SURROGATE.test(body) || Buffer.byteLength(body) !== Number(match[2])) return undefined;
  const digest = sha256(body);
  return digest === match[3] && (!contentSha256 || contentSha256.toLowerCase() === digest) ? body : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** UTF-8 bytes of one code point. */
function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
