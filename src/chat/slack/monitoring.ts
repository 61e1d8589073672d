/**
 * Role: what the ops endpoints see of the platform (the same file on Discord; the playground, which calls no API,
 * answers in its adapter): its API's failures and rate-limit waits as metrics, and whether it is connected.
 *
 * On Slack, with @slack/web-api 8 (dist/WebClient.js, `makeRequest`):
 * - failures are seen by the `fetch` every WebClient of the app is given (`clientOptions.fetch`; Bolt passes its
 *   clientOptions to each client it makes): no answer at all, an HTTP status other than 200 (the Web API uses 200
 *   and 429 only), or a 200 whose body says `"ok": false` (a platform error such as `channel_not_found`, counted
 *   as "platform": the error string is Slack's, not a label);
 * - a rate-limit wait is the client's `rate_limited` event (`WebClientEvent.RATE_LIMITED`), emitted with the
 *   Retry-After seconds just before the client pauses its queue for that long and tries again.
 */
import { type SocketModeReceiver, webApi } from '@slack/bolt';
import { countChatError, countRateLimitWait } from '../../metrics.ts';

/** The kind of a failed Slack answer, by its HTTP status, or null for a 200. */
export function slackStatusKind(status: number): string | null {
  if (status === 200) return null;
  if (status === 429) return '429';
  return status >= 500 ? '5xx' : '4xx';
}

/** How the Web API reaches Slack: `fetch`, or a stand-in in tests. */
export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A `fetch` for the Web API clients that counts their failed calls, and changes nothing about them. */
export function countingFetch(inner: Fetch = (url, init) => fetch(url, init)): webApi.FetchFunction {
  return async (url, init) => {
    let response: Response;
    try {
      response = await inner(url, init);
    } catch (error) {
      countChatError('slack', 'network');
      throw error;
    }
    const kind = slackStatusKind(response.status);
    if (kind) countChatError('slack', kind);
    else if (response.headers.get('content-type')?.includes('application/json')) {
      // A copy of the body, read beside the client's own reading of it.
      void response
        .clone()
        .json()
        .then((body: { ok?: unknown }) => body?.ok === false && countChatError('slack', 'platform'))
        .catch(() => undefined);
    }
    return response;
  };
}

/** Counts the client's rate-limit waits. */
export function watchSlackRateLimits(client: webApi.WebClient): void {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (retrySeconds: number) => countRateLimitWait('slack', retrySeconds));
}

/** Why the app cannot hear from Slack now, or null when it can: the Socket Mode connection, or the HTTP server. */
export function slackConnectionProblem(socket: SocketModeReceiver | undefined, listening: boolean): string | null {
  if (socket) return socket.client.websocket?.isActive() ? null : 'the Slack Socket Mode connection is not open';
  return listening ? null : 'the Slack HTTP receiver is not listening';
}
