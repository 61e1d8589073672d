/**
 * Parses `multipart/related` bodies as Drive's upload endpoint accepts them:
 * CRLF line endings (Node's googleapis) or LF-only ones (Python's `email`
 * generator), a preamble and epilogue, and base64 transfer encoding.
 */

/** One body part: lower-cased header names and the raw (decoded) bytes. */
export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** A body that is not valid multipart for the given boundary. */
export class MultipartError extends Error {}

/** Splits `body` into its parts; throws MultipartError when the structure is broken. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const starts = delimiterOffsets(body, delimiter);
  if (starts.length === 0) throw new MultipartError(`No "--${boundary}" delimiter in the body`);
  const parts: MultipartPart[] = [];
  for (let k = 0; k < starts.length; k++) {
    const after = starts[k] + delimiter.length;
    if (body.subarray(after, after + 2).toString() === '--') return parts;
    if (k + 1 === starts.length) break;
    const contentStart = skipLineEnd(body, after);
    const contentEnd = trimLineEnd(body, starts[k + 1]);
    parts.push(parsePart(body.subarray(contentStart, Math.max(contentStart, contentEnd))));
  }
  throw new MultipartError(`Missing the closing "--${boundary}--" delimiter`);
}

/** Offsets of each delimiter that starts a line. */
function delimiterOffsets(body: Buffer, delimiter: Buffer): number[] {
  const found: number[] = [];
  for (let i = body.indexOf(delimiter); i !== -1; i = body.indexOf(delimiter, i + 1)) {
    if (i === 0 || body[i - 1] === 0x0a) found.push(i);
  }
  return found;
}

/** Skips transport padding and the line break after a delimiter. */
function skipLineEnd(body: Buffer, i: number): number {
  while (body[i] === 0x20 || body[i] === 0x09) i++;
  if (body[i] === 0x0d && body[i + 1] === 0x0a) return i + 2;
  if (body[i] === 0x0a) return i + 1;
  throw new MultipartError('Expected a line break after a delimiter');
}

/** The offset before the line break that precedes a delimiter at `i`. */
function trimLineEnd(body: Buffer, i: number): number {
  if (body[i - 1] !== 0x0a) return i;
  return body[i - 2] === 0x0d ? i - 2 : i - 1;
}

/** Splits one part at its first blank line into headers and body. */
function parsePart(raw: Buffer): MultipartPart {
  const headers: Record<string, string> = {};
  let i = 0;
  for (;;) {
    const nl = raw.indexOf(0x0a, i);
    if (nl === -1) throw new MultipartError('A part has no blank line after its headers');
    const line = raw.subarray(i, nl).toString('latin1').replace(/\r$/, '');
    i = nl + 1;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon === -1) throw new MultipartError(`Malformed part header: ${JSON.stringify(line)}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: decodeBody(raw.subarray(i), headers['content-transfer-encoding']) };
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? 'binary').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (enc === 'binary' || enc === '8bit' || enc === '7bit') return body;
  throw new MultipartError(`Unsupported Content-Transfer-Encoding: ${encoding}`);
}
