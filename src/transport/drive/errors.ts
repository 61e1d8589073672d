/**
 * What went wrong with Drive, in two layers: `readFailure` turns whatever a
 * googleapis call threw into plain facts (status, Drive reason, network
 * failure, Retry-After), and `MailboxError` carries a message that says
 * what to do about it. Messages never contain tokens or keys.
 */

/** The kinds of mailbox failure a person may have to act on. */
export type DriveErrorCode =
  | 'no_credentials' // nothing configured, or a key/token file is missing or unreadable
  | 'bad_credentials' // Drive refused the credentials (401)
  | 'expired_grant' // the token endpoint said invalid_grant
  | 'folder_not_found' // the mailbox folder is missing or not shared with the account
  | 'not_a_mailbox' // the folder lacks the subfolders, or has two of one
  | 'service_account_quota' // a service account writing into My Drive
  | 'scope_too_narrow' // the token cannot see or change what the mailbox needs
  | 'not_allowed' // the account may see a file but not change or delete it
  | 'not_found' // a file is gone (callers usually handle this)
  | 'gave_up' // transient failures outlasted the retries
  | 'drive_error'; // any other Drive answer

/** A Drive failure with a message that says what to do (the twin of colab's `MailboxError`). */
export class MailboxError extends Error {
  override name = 'MailboxError';

  constructor(
    readonly code: DriveErrorCode,
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** True for the error `DriveApi` throws when a file does not exist (or is not visible). */
export function isNotFound(error: unknown): boolean {
  return error instanceof MailboxError && error.code === 'not_found';
}

/** The facts of one failed call. */
export interface DriveFailure {
  /** HTTP status, when Drive answered. */
  status?: number;
  /** Drive's reason (`rateLimitExceeded`, `notFound`…) or OAuth's `error` (`invalid_grant`). */
  reason?: string;
  /** Drive's or OAuth's own words. */
  message: string;
  /** No answer: a dropped connection, a refused connection, or our timeout. */
  network: boolean;
  /** The Retry-After header, in ms. */
  retryAfterMs?: number;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Reads a googleapis/gaxios error (or any thrown value) into a DriveFailure. */
export function readFailure(error: unknown): DriveFailure {
  const e = error as {
    status?: number;
    code?: string | number;
    name?: string;
    message?: string;
    cause?: { name?: string; code?: string };
    response?: { status?: number; data?: unknown; headers?: unknown };
  };
  const status = e?.response?.status ?? (typeof e?.status === 'number' ? e.status : undefined);
  const body = parseBody(e?.response?.data);
  const { reason, message } = reasonOf(body);
  const code = String(e?.code ?? e?.cause?.code ?? '');
  const aborted =
    [e?.name, e?.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError') ||
    /aborted|timed? ?out/i.test(e?.message ?? '');
  const network =
    status === undefined &&
    (NETWORK_CODES.has(code) || aborted || /socket hang up|fetch failed|network/i.test(e?.message ?? ''));
  const retryAfterMs = parseRetryAfter(header(e?.response?.headers, 'retry-after'));
  return {
    status,
    reason,
    message: message ?? e?.message ?? String(error),
    network,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Drive's `error.errors[0].reason` (or a details reason), or OAuth's `error`. */
function reasonOf(body: unknown): { reason?: string; message?: string } {
  const err = (body as { error?: unknown; error_description?: string })?.error;
  if (typeof err === 'string')
    return { reason: err, message: (body as { error_description?: string }).error_description ?? err };
  if (!err || typeof err !== 'object') return {};
  const e = err as { message?: string; errors?: { reason?: string }[]; details?: { reason?: string }[] };
  const reason = e.errors?.find((x) => x?.reason)?.reason ?? e.details?.find((x) => x?.reason)?.reason;
  return { reason, message: e.message };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as seconds or an HTTP date, in ms (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** Whether a failure is worth retrying: rate limits, 429, 5xx, timeouts and dropped connections. */
export function isTransient(failure: DriveFailure): boolean {
  if (failure.network) return true;
  const { status, reason } = failure;
  if (status === undefined) return false;
  return (
    status === 429 ||
    status === 408 ||
    status >= 500 ||
    (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))
  );
}
