/**
 * Drive calls as metrics (src/metrics.ts): each attempt of each API method counts once, and a failed attempt also
 * counts by kind. The kinds follow what the retry policy tells apart (errors.ts `isTransient`): 429, a 403 rate
 * limit (`rateLimitExceeded`, `userRateLimitExceeded`), other 4xx by status, 5xx, and no answer at all.
 */
import { countMailboxCall } from '../../metrics.ts';
import type { DriveFailure } from './errors.ts';

/** The Drive v3 methods the mailbox calls (the names of Google's reference and of the Drive fake's counts). */
export type DriveMethod =
  | 'files.create'
  | 'files.get'
  | 'files.get.media'
  | 'files.list'
  | 'files.update'
  | 'files.delete'
  | 'files.generateIds'
  | 'changes.list'
  | 'changes.getStartPageToken'
  | 'about.get';

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** The kind of a failed Drive call, one of a few fixed words. */
export function driveFailureKind(failure: DriveFailure): string {
  const { status, reason } = failure;
  if (status === undefined) return 'network';
  if (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason)) return '403_rate_limit';
  if ([401, 403, 404, 429].includes(status)) return String(status);
  if (status >= 500) return '5xx';
  return status >= 400 ? '4xx' : 'other';
}

/** Counts one attempt of a Drive call; `failure` when it failed (an accepted failure, a 404 on delete, did not). */
export function countDriveCall(method: DriveMethod, failure?: DriveFailure): void {
  if (!failure) {
    countMailboxCall('drive', method);
    return;
  }
  const kind = driveFailureKind(failure);
  const answer = failure.status === undefined ? 'no answer' : `HTTP ${failure.status}`;
  const reason = `Drive ${method} failed: ${answer}${failure.reason ? ` (${failure.reason})` : ''}`;
  countMailboxCall('drive', method, { errorKind: kind, reason });
}
