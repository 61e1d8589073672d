import type { ServerResponse } from 'node:http';
import { DriveError } from './drive-error.ts';
import type { PlannedFault } from './faults.ts';
import { errorReply, writeReply } from './http-io.ts';

/** Runs `action` after `ms`, unless the fake closes first. */
export type Scheduler = (ms: number, action: () => void) => void;

/** The error body an HTTP-status fault answers with, as Drive sends it. */
export function faultError(fault: PlannedFault): DriveError | undefined {
  switch (fault.kind) {
    case 'rateLimit403':
      return new DriveError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    case 'userRateLimit403':
      return new DriveError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { domain: 'usageLimits' });
    case 'tooMany429':
      return new DriveError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', {
        domain: 'usageLimits',
        headers: { 'retry-after': String(fault.retryAfterSeconds) },
      });
    case 'error500':
      return new DriveError(500, 'backendError', 'Backend Error');
    case 'error503':
      return new DriveError(503, 'backendError', 'The service is currently unavailable.', { status: 'UNAVAILABLE' });
    default:
      return undefined;
  }
}

/**
 * Carries out a fault on a response: writes the error, destroys the socket
 * (`drop`), or holds the request and then destroys it (`timeout`).
 * `later` runs an action after a delay in a way that closing the fake cancels.
 */
export function performFault(fault: PlannedFault, res: ServerResponse, later: Scheduler): void {
  const error = faultError(fault);
  if (error) {
    writeReply(res, errorReply(error));
  } else if (fault.kind === 'drop') {
    res.socket?.destroy();
  } else {
    later(fault.timeoutMs, () => res.socket?.destroy());
  }
}
