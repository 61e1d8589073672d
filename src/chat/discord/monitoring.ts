/**
 * Role: what the ops endpoints see of the platform (the same file on Slack; the playground, which calls no API,
 * answers in its adapter): its API's failures and rate-limit waits as metrics, and whether it is connected.
 *
 * On Discord: REST traffic as metrics (src/metrics.ts), from the events of discord.js's REST manager
 * (@discordjs/rest 2.x, `RestEvents`): `rateLimited` comes with `timeToReset` (ms) when a request must wait for
 * its bucket to reset (SequentialHandler, before it sleeps), and `response` with every HTTP answer, whose status
 * tells a failed call (a 429 that got past the local limiter included). A request that never got an answer
 * (reset, timeout) raises neither event and is not counted here.
 */
import { type REST, RESTEvents, Status } from 'discord.js';
import { countChatError, countRateLimitWait } from '../../metrics.ts';

/** The kind of a failed Discord answer, by its status. */
export function discordErrorKind(status: number): string | null {
  if (status < 400) return null;
  if (status === 429) return '429';
  return status >= 500 ? '5xx' : '4xx';
}

/** Counts the REST manager's rate-limit waits and failed answers. */
export function watchDiscordRest(rest: REST): void {
  rest.on(RESTEvents.RateLimited, (info) => countRateLimitWait('discord', info.timeToReset / 1000));
  rest.on(RESTEvents.Response, (_request, response) => {
    const kind = discordErrorKind(response.status);
    if (kind) countChatError('discord', kind);
  });
}

/**
 * Why a client's gateway connection is not ready, or null when every shard of this process is (discord.js keeps
 * each shard's `Status` current: Ready once identified or resumed, Connecting or Resuming while it reconnects).
 */
export function discordGatewayProblem(shards: Iterable<{ id: number; status: Status }>): string | null {
  const all = [...shards];
  if (all.length === 0) return 'not connected to the Discord gateway';
  const down = all.filter((s) => s.status !== Status.Ready);
  if (down.length === 0) return null;
  const which = down.map((s) => `shard ${s.id}: ${(Status[s.status] ?? `status ${s.status}`).toLowerCase()}`);
  return `the Discord gateway is not ready (${which.join(', ')})`;
}
