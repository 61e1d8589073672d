/**
 * Log lines start with one prefix ("storyloom: …", "storyloom worker: …"). Errors
 * made for people already carry "storyloom: " (so that a command that fails with one
 * prints it as is), so a line that adds its own prefix strips theirs first: never
 * "storyloom: storyloom: …".
 */

const OUR_PREFIX = /^storyloom: /;

/** An error's message (or any thrown value as text) without a leading "storyloom: ". */
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(OUR_PREFIX, '');
}
