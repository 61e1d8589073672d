/**
 * Role: why the adapter could not start, naming the setting to fix (on Discord,
 * start-errors.ts too). On Slack, in one line: Bolt and the Web API client only
 * say `invalid_auth` or `fetch failed`, with a stack, and never which token or URL
 * was at fault.
 */
import type { Config } from '../../config.ts';

/** Slack's answers that mean a token is not (or no longer) good. */
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/** The step that failed: checking the bot token, or connecting (Socket Mode) / listening (HTTP mode). */
export type SlackStartStep = 'bot token' | 'socket' | 'http';

type Settings = Pick<Config, 'SLACK_API_URL' | 'SLACK_PORT'>;

/** A storyloom error for a failed start, or the error itself when there is nothing clearer to say. */
export function explainSlackStartError(error: unknown, step: SlackStartStep, config: Settings): Error {
  const e = error as Error & { code?: string; data?: { error?: string } };
  const answer = e.data?.error;
  if (answer && REFUSED.has(answer) && step === 'socket') {
    return new Error(
      `storyloom: Slack refused SLACK_APP_TOKEN (${answer}): it must be the app-level token ` +
        '(xapp-…, scope connections:write, from Basic Information > App-Level Tokens). See docs/slack.md.',
    );
  }
  if (answer && REFUSED.has(answer)) {
    return new Error(
      `storyloom: Slack refused SLACK_BOT_TOKEN (${answer}): copy the Bot User OAuth Token (xoxb-…) ` +
        'from OAuth & Permissions again, and reinstall the app if it was revoked. See docs/slack.md.',
    );
  }
  if (e.code === 'slack_webapi_request_error') {
    return new Error(
      `storyloom: cannot reach Slack at SLACK_API_URL=${config.SLACK_API_URL} (${e.message}). ` +
        'Check the network, or the URL.',
    );
  }
  if (e.code === 'EADDRINUSE') {
    return new Error(
      `storyloom: SLACK_PORT ${config.SLACK_PORT} is already in use (another storyloom, or another ` +
        'program). Stop it, or pick another port.',
    );
  }
  return e instanceof Error ? e : new Error(String(error));
}
