/**
 * Role: why the adapter could not start, naming the setting to fix (on Slack,
 * start-errors.ts too). On Discord, a failed login, in one line: discord.js only
 * says "An invalid token was provided." or "connect ECONNREFUSED …", with a stack,
 * and never which setting was at fault.
 */
import type { Config } from '../../config.ts';

/** Socket errors that mean Discord (or whatever DISCORD_API_URL names) could not be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A storyloom error for a failed login, or the error itself when there is nothing clearer to say. */
export function explainLoginError(error: unknown, config: Pick<Config, 'DISCORD_API_URL'>): Error {
  const e = error as Error & { code?: unknown; cause?: { code?: unknown } };
  if (e.code === 'TokenInvalid') {
    return new Error(
      'storyloom: Discord refused DISCORD_TOKEN (an invalid token). Copy the bot token again ' +
        '(Developer Portal > your app > Bot > Reset Token) into DISCORD_TOKEN. See docs/discord.md.',
    );
  }
  const code = String(e.code ?? e.cause?.code ?? '');
  if (UNREACHABLE.has(code)) {
    return new Error(
      `storyloom: cannot reach Discord at DISCORD_API_URL=${config.DISCORD_API_URL} (${code}). ` +
        'Check the network, or the URL.',
    );
  }
  return e instanceof Error ? e : new Error(String(error));
}
