/**
 * Reading mailbox files: every failure is a ProtocolError with a code and a plain
 * message (malformed JSON, a file that is not ours, an unknown version, a field
 * out of range), never an exception from deep inside.
 */
import type { z } from 'zod';
import { Control, Heartbeat, PROTOCOL_VERSION, Request, Response } from './protocol.ts';

/** The kinds of mailbox file. */
export type FileType = 'request' | 'response' | 'heartbeat' | 'control';

/** Why a mailbox file was refused. */
export type ProtocolErrorCode = 'malformed_json' | 'not_ours' | 'unsupported_version' | 'wrong_type' | 'invalid';

/** A mailbox file could not be read. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const SCHEMAS = { request: Request, response: Response, heartbeat: Heartbeat, control: Control } as const;
type Parsed = { request: Request; response: Response; heartbeat: Heartbeat; control: Control };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : '(file)';
  return `${path}: ${issue.message}`;
}

/** Parses the text of a mailbox file of the given type, or throws ProtocolError. */
export function parseFile<T extends FileType>(type: T, text: string): Parsed[T] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError('malformed_json', `not valid JSON (${(error as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('v' in doc) || !('type' in doc)) {
    throw new ProtocolError('not_ours', 'not a storyloom file (no "v" and "type")');
  }
  const { v, type: docType } = doc as { v: unknown; type: unknown };
  if (v !== PROTOCOL_VERSION) {
    const speaks = `this storyloom speaks version ${PROTOCOL_VERSION}`;
    throw new ProtocolError('unsupported_version', `protocol version ${JSON.stringify(v)} is not supported; ${speaks}`);
  }
  if (docType !== type) {
    throw new ProtocolError('wrong_type', `expected a ${type} file, found ${JSON.stringify(docType)}`);
  }
  const parsed = SCHEMAS[type].safeParse(doc);
  if (!parsed.success) throw new ProtocolError('invalid', `invalid ${type}: ${firstIssue(parsed.error)}`);
  return parsed.data as Parsed[T];
}

/** Serializes a mailbox file (one JSON object and a newline). */
export function serialize(doc: Request | Response | Heartbeat | Control | object): string {
  return `${JSON.stringify(doc)}\n`;
}
