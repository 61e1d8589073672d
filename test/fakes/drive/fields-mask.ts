/**
 * Google's partial-response `fields` syntax: `id,name`, `files(id,name),nextPageToken`,
 * `file/id`, `*`. Parsing gives a tree; applying it keeps only the selected keys.
 */

/** A parsed mask: key → sub-mask, or null to keep the whole value. */
export type FieldMask = Map<string, FieldMask | null>;

/** A resource's known fields: a nested schema, a scalar `leaf`, or an `open` map. */
export type FieldSchema = { readonly [field: string]: FieldSchema | 'leaf' | 'open' };

/** A syntactically malformed mask. */
export class FieldMaskError extends Error {}

/** Parses a `fields` value; throws FieldMaskError when malformed. */
export function parseFieldMask(text: string): FieldMask {
  const parser = { text, i: 0 };
  const mask = parseList(parser);
  if (parser.i < text.length) throw new FieldMaskError(`Unexpected "${text[parser.i]}" in fields at ${parser.i + 1}`);
  return mask;
}

interface MaskParser {
  text: string;
  i: number;
}

function parseList(p: MaskParser): FieldMask {
  const mask: FieldMask = new Map();
  for (;;) {
    const path = readPath(p);
    let sub: FieldMask | null = null;
    if (p.text[p.i] === '(') {
      p.i++;
      sub = parseList(p);
      if (p.text[p.i] !== ')') throw new FieldMaskError(`Missing ")" in fields`);
      p.i++;
    }
    insertPath(mask, path, sub);
    skipSpaces(p);
    if (p.text[p.i] !== ',') return mask;
    p.i++;
  }
}

function readPath(p: MaskParser): string[] {
  skipSpaces(p);
  const start = p.i;
  while (p.i < p.text.length && !',()'.includes(p.text[p.i])) p.i++;
  const segments = p.text
    .slice(start, p.i)
    .trim()
    .split('/')
    .map((s) => s.trim());
  if (segments.some((s) => s === '' || /\s/.test(s))) {
    throw new FieldMaskError(`Empty or malformed field name in fields at ${start + 1}`);
  }
  return segments;
}

function skipSpaces(p: MaskParser): void {
  while (p.text[p.i] === ' ') p.i++;
}

function insertPath(mask: FieldMask, path: string[], sub: FieldMask | null): void {
  const [head, ...rest] = path;
  const existing = mask.get(head);
  if (existing === null) return;
  if (rest.length === 0 && sub === null) {
    mask.set(head, null);
    return;
  }
  const target = existing ?? new Map();
  mask.set(head, target);
  if (rest.length > 0) insertPath(target, rest, sub);
  else if (sub) for (const [k, v] of sub) insertPath(target, [k], v);
}

/** Keeps only what `mask` selects from `value`; arrays apply the mask to each element. */
export function applyFieldMask(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((v) => applyFieldMask(v, mask));
  if (value === null || typeof value !== 'object' || mask.has('*')) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of mask) {
    if (source[key] === undefined) continue;
    out[key] = sub === null ? source[key] : applyFieldMask(source[key], sub);
  }
  return out;
}

/** The first field in `mask` that `schema` does not know, or undefined when all are valid. */
export function findInvalidField(mask: FieldMask, schema: FieldSchema): string | undefined {
  for (const [key, sub] of mask) {
    if (key === '*') continue;
    const entry = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (entry === undefined) return key;
    if (sub === null || entry === 'open') continue;
    if (entry === 'leaf') return key;
    const bad = findInvalidField(sub, entry);
    if (bad !== undefined) return bad;
  }
  return undefined;
}
