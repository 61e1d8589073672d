import type { UploadedFile } from './body.ts';

/** A multipart file part as recorded, with its bytes also decoded as UTF-8 for easy assertions. */
export interface RecordedFile extends UploadedFile {
  text: string;
}

/** One REST request the fake received, and how it answered. */
export interface RecordedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The path below `/api/v10`, e.g. `/channels/123/messages` (CDN paths as they came). */
  path: string;
  /** The matched route pattern, e.g. `/channels/:channelId/messages`; '' when none matched. */
  route: string;
  query: Record<string, string>;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body, or for multipart the parsed `payload_json`; undefined when empty. */
  body: unknown;
  /** Multipart file parts (`files[n]`), in order. */
  files: RecordedFile[];
  /** Multipart non-file fields, raw (including `payload_json`). */
  fields: Record<string, string>;
  /** The HTTP status the fake answered with. */
  status: number;
  /** The JSON body the fake answered with (undefined for 204 and bytes). */
  response: unknown;
  /** When the request arrived (Date.now()). */
  at: number;
}

/** Which recorded requests to return; every given field must match. */
export interface RequestFilter {
  method?: string;
  /** A regex tested against `path`, or a string that must equal it. */
  path?: RegExp | string;
  /** A route pattern that must equal `route`, e.g. `/channels/:channelId/messages`. */
  route?: string;
  status?: number;
}

/** Keeps every REST request in arrival order. */
export class RequestRecorder {
  private readonly log: RecordedRequest[] = [];

  /** Appends a request. */
  record(request: RecordedRequest): void {
    this.log.push(request);
  }

  /** The requests that match `filter` (all of them without one), oldest first. */
  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.log.filter((r) => matches(r, filter));
  }

  /** Forgets every recorded request. */
  clear(): void {
    this.log.length = 0;
  }
}

/** Whether a recorded request matches a filter. */
export function matches(request: RecordedRequest, filter: RequestFilter): boolean {
  if (filter.method && filter.method.toUpperCase() !== request.method) return false;
  if (filter.route !== undefined && filter.route !== request.route) return false;
  if (filter.status !== undefined && filter.status !== request.status) return false;
  if (filter.path instanceof RegExp) return filter.path.test(request.path);
  return filter.path === undefined || filter.path === request.path;
}
