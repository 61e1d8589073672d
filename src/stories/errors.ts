/**
 * Errors a user can fix, kept apart from internal errors. Only chat adapters
 * catch at the edge and turn errors into replies: a UserError's message is shown
 * as it is; anything else becomes a short apology and a log line.
 */

/** The codes of the errors a user can see. */
export type UserErrorCode =
  | 'empty'
  | 'too_long'
  | 'bad_option'
  | 'unknown_command'
  | 'not_found'
  | 'not_in_story'
  | 'story_ended'
  | 'busy'
  | 'forbidden'
  | 'cooldown'
  | 'in_flight_cap'
  | 'queue_full'
  | 'nothing_to_undo'
  | 'nothing_to_retry'
  | 'has_branches'
  | 'moved_on'
  | 'timeout'
  | 'stopping'
  | 'vote_open'
  | 'vote_closed'
  | 'no_vote'
  | 'other_story';

/** What else a UserError may carry. */
export interface UserErrorOptions {
  /** For a limit that clears with time: the milliseconds until it does (a chat may count them down). */
  retryAfterMs?: number;
}

/** An error with a plain message meant for the user who caused it. */
export class UserError extends Error {
  override name = 'UserError';
  /** For a limit that clears with time: the milliseconds until it does; the message says so in words too. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: UserErrorCode,
    message: string,
    options: UserErrorOptions = {},
  ) {
    super(message);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for errors whose message may be shown to the user. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
