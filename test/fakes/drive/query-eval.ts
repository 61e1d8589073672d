import type { Access } from './access.ts';
import type { FileRecord } from './model.ts';
import type { CompareOp, QueryNode, QueryValue } from './query-ast.ts';

/** What evaluating a query needs to know about the caller and about sharing. */
export interface QueryContext {
  callerEmail: string;
  /** The caller's My Drive root id (what `'root' in parents` means). */
  callerRootId: string;
  /** Every email with access to `file`, and how (`owner` for the creator in My Drive). */
  rolesOf(file: FileRecord): Map<string, Access>;
}

/** Whether `file` satisfies the parsed query `node`. */
export function matchesQuery(node: QueryNode, file: FileRecord, ctx: QueryContext): boolean {
  switch (node.kind) {
    case 'and':
      return matchesQuery(node.left, file, ctx) && matchesQuery(node.right, file, ctx);
    case 'or':
      return matchesQuery(node.left, file, ctx) || matchesQuery(node.right, file, ctx);
    case 'not':
      return !matchesQuery(node.operand, file, ctx);
    case 'has': {
      const map = node.field === 'appProperties' ? file.appProperties : file.properties;
      return Object.hasOwn(map, node.key) && map[node.key] === node.value;
    }
    case 'in':
      return matchesCollection(node.field, node.value, file, ctx);
    case 'compare':
      return matchesCompare(node.field, node.op, node.value, file, ctx);
  }
}

function matchesCollection(field: string, raw: string, file: FileRecord, ctx: QueryContext): boolean {
  if (field === 'parents') return file.parents.includes(raw === 'root' ? ctx.callerRootId : raw);
  const email = raw === 'me' ? ctx.callerEmail : raw;
  const role = ctx.rolesOf(file).get(email);
  if (field === 'owners') return role === 'owner';
  // Every role that may edit counts as a writer; commenters count as readers.
  if (field === 'writers') return role !== undefined && role !== 'commenter' && role !== 'reader';
  return role !== undefined;
}

function matchesCompare(field: string, op: CompareOp, value: QueryValue, file: FileRecord, ctx: QueryContext): boolean {
  switch (field) {
    case 'name':
      return op === 'contains' ? nameContains(file.name, text(value)) : compare(file.name, op, text(value));
    case 'mimeType':
      return op === 'contains' ? file.mimeType.includes(text(value)) : compare(file.mimeType, op, text(value));
    case 'fullText':
      return fullTextContains(file, text(value));
    case 'modifiedTime':
      return compare(file.modifiedTime, op, time(value));
    case 'createdTime':
      return compare(file.createdTime, op, time(value));
    case 'trashed':
      return compare(file.trashed, op, bool(value));
    case 'starred':
      return compare(file.starred, op, bool(value));
    default:
      return compare(isSharedWithMe(file, ctx), op, bool(value));
  }
}

/**
 * Drive's `name contains` is prefix matching on words: 'Hello' matches
 * "HelloWorld" and "Say Hello", but 'World' does not match "HelloWorld".
 * A term that starts with punctuation (e.g. '.json') matches wherever it occurs.
 */
function nameContains(name: string, term: string): boolean {
  const hay = name.toLowerCase();
  const needle = term.toLowerCase();
  const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) {
    if (i === 0 || !isWordChar(hay[i - 1]) || !isWordChar(hay[i])) return true;
  }
  return false;
}

function fullTextContains(file: FileRecord, term: string): boolean {
  const needle = term.toLowerCase();
  const texts = [file.name, file.description ?? '', file.content.toString('utf8')];
  return texts.some((t) => t.toLowerCase().includes(needle));
}

function isSharedWithMe(file: FileRecord, ctx: QueryContext): boolean {
  return file.driveId === undefined && file.creatorEmail !== ctx.callerEmail && file.shares.has(ctx.callerEmail);
}

function compare<T extends string | number | boolean>(a: T, op: CompareOp, b: T): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

function text(v: QueryValue): string {
  return v.type === 'string' ? v.text : '';
}

function time(v: QueryValue): number {
  return v.type === 'time' ? v.ms : NaN;
}

function bool(v: QueryValue): boolean {
  return v.type === 'boolean' && v.value;
}
