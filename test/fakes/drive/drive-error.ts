/**
 * Errors in the JSON shape Google APIs use:
 * `{"error":{"code","message","errors":[{"message","domain","reason",...}],"status"?,"details"?}}`.
 */

/** Optional parts of a Drive error. */
export interface DriveErrorExtras {
  domain?: string;
  location?: string;
  locationType?: 'parameter' | 'header';
  /** The gRPC-style status string some errors carry, e.g. `UNAUTHENTICATED`. */
  status?: string;
  /** A top-level message that differs from the one in `errors[0]`. */
  topMessage?: string;
  details?: unknown[];
  headers?: Record<string, string>;
}

/** An error the fake answers with; handlers throw it and the server renders it. */
export class DriveError extends Error {
  /** The HTTP status. */
  readonly code: number;
  /** Drive's `reason`, e.g. `notFound`. */
  readonly reason: string;
  readonly extras: DriveErrorExtras;

  constructor(code: number, reason: string, message: string, extras: DriveErrorExtras = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.extras = extras;
  }

  /** The response body, exactly as Drive shapes it. */
  toBody(): { error: Record<string, unknown> } {
    const { domain = 'global', location, locationType, status, topMessage, details } = this.extras;
    const item: Record<string, unknown> = { message: this.message, domain, reason: this.reason };
    if (location !== undefined) item.location = location;
    if (locationType !== undefined) item.locationType = locationType;
    const error: Record<string, unknown> = {
      code: this.code,
      message: topMessage ?? this.message,
      errors: [item],
    };
    if (status !== undefined) error.status = status;
    if (details !== undefined) error.details = details;
    return { error };
  }
}
