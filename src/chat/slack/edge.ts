/**
 * Role: the adapter's error edge (on Discord, edge.ts too). On Slack, every
 * handler runs inside `guard`, which turns an error into a reply only its user
 * sees. A UserError says what to do; Slack refusing to post in a channel the bot
 * is not in gets its own advice; anything else gets the apology and a log line. No
 * error escapes into Bolt.
 */
import type { Logger } from '../../log.ts';
import { isUserError } from '../../stories/errors.ts';
import { APOLOGY } from '../adapter.ts';

/** Slack's error code from a Web API error, if it is one. */
function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** The words for an error, for the person whose request failed. */
export function errorText(error: unknown, log: Logger, what: string): string {
  if (isUserError(error)) {
    const mention = 'You can also mention @storyloom with undo, retry or end in the thread.';
    if (error.code === 'moved_on') return `${error.message} ${mention}`;
    return error.message;
  }
  const code = slackErrorCode(error);
  if (code === 'not_in_channel' || code === 'channel_not_found') {
    return 'I can’t post in this channel yet. Invite me with /invite @storyloom, then try again.';
  }
  const why = error instanceof Error ? error.message : String(error);
  log.error({ error: why, stack: (error as Error)?.stack }, `storyloom slack: ${what} failed: ${why}`);
  return APOLOGY;
}

/** Runs `work`; on an error, tells the person (through `tell`) and never throws. */
export async function guard(
  what: string,
  log: Logger,
  tell: (text: string) => Promise<unknown>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const text = errorText(error, log, what);
    await Promise.resolve()
      .then(() => tell(text))
      .catch((failed: Error) => {
        log.warn(`storyloom slack: could not tell the user about a failed ${what}: ${failed.message}`);
      });
  }
}
