/**
 * How a worker reads requests and writes responses, one job at a time: a request
 * that cannot be read gets an error response under its file name; a file that is
 * not ours is left alone.
 */
import { parseFile, type ProtocolError, serialize } from '../jobs/parse.ts';
import type { ErrorCode, Request, Response, Result } from '../jobs/protocol.ts';
import type { Transport } from '../transport/transport.ts';

/** A request as a worker sees it: parsed, or the reason it cannot be. */
export type Incoming =
  | { jobId: string; request: Request }
  | { jobId: string; error: ProtocolError }
  | { jobId: string; foreign: true };

/** Reads `requests/<name>`; null when it is already gone. */
export async function readIncoming(transport: Transport, name: string): Promise<Incoming | null> {
  const jobId = name.replace(/\.json$/, '');
  const text = await transport.get('requests', name);
  if (text === null) return null;
  try {
    return { jobId, request: parseFile('request', text) };
  } catch (error) {
    const protocolError = error as ProtocolError;
    if (protocolError.code === 'not_ours') return { jobId, foreign: true };
    return { jobId, error: protocolError };
  }
}

/** A success response. */
export function okResponse(jobId: string, workerId: string, result: Result): Response {
  const finished_at = new Date().toISOString();
  return { v: 1, type: 'response', job_id: jobId, worker_id: workerId, finished_at, ok: true, result };
}

/** An error response. */
export function errorResponse(jobId: string, workerId: string, code: ErrorCode, message: string): Response {
  const finished_at = new Date().toISOString();
  const error = { code, message: message.slice(0, 2000) };
  return { v: 1, type: 'response', job_id: jobId, worker_id: workerId, finished_at, ok: false, error };
}

/** Writes `responses/<job_id>.json`. */
export async function writeResponse(transport: Transport, response: Response): Promise<void> {
  await transport.put('responses', `${response.job_id}.json`, serialize(response));
}
