/**
 * What the ops endpoints see of the chat platforms: the real discord.js REST manager and Slack WebClient against a
 * small HTTP server that answers with errors and rate limits (their failures and waits become metrics), and the
 * connection checks behind readiness.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SocketModeReceiver } from '@slack/bolt';
import { webApi } from '@slack/bolt';
import { DiscordAPIError, REST, Status } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordGatewayProblem, watchDiscordRest } from '../../src/chat/discord/monitoring.ts';
import { countingFetch, slackConnectionProblem, watchSlackRateLimits } from '../../src/chat/slack/monitoring.ts';
import { registry, resetMetrics } from '../../src/metrics.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let url: string;
let handler: Handler;

beforeEach(async () => {
  resetMetrics();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getSingleMetric(name)!.get()).values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return found?.value ?? 0;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('Discord REST', () => {
  it('counts a failed answer by its status, and a wait for an exhausted bucket with its time', async () => {
    const rest = new REST({ api: url, retries: 0 }).setToken('test-token');
    watchDiscordRest(rest);
    handler = (req, res) => {
      if (req.url?.includes('/channels/404')) return json(res, 404, { code: 10003, message: 'Unknown Channel' });
      // One request per 0.4 s on this route: the second must wait for the bucket to reset.
      const limit = { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.4' };
      json(res, 200, { id: '1' }, { ...limit, 'x-ratelimit-bucket': 'b1' });
    };
    await expect(rest.get('/channels/404')).rejects.toBeInstanceOf(DiscordAPIError);
    expect(await metric('storyloom_chat_api_errors_total', { platform: 'discord', kind: '4xx' })).toBe(1);

    // The first answer names the bucket, the second is the first on that bucket's handler: the third waits.
    for (let i = 0; i < 3; i++) await rest.get('/channels/1');
    expect(await metric('storyloom_chat_rate_limit_waits_total', { platform: 'discord' })).toBe(1);
    const waited = await metric('storyloom_chat_rate_limit_wait_seconds_total', { platform: 'discord' });
    expect(waited).toBeGreaterThan(0.1);
    expect(waited).toBeLessThan(1);
  });

  it('is ready when every shard is', () => {
    expect(discordGatewayProblem([])).toBe('not connected to the Discord gateway');
    expect(discordGatewayProblem([{ id: 0, status: Status.Ready }])).toBeNull();
    const problem = discordGatewayProblem([
      { id: 0, status: Status.Ready },
      { id: 1, status: Status.Resuming },
    ]);
    expect(problem).toBe('the Discord gateway is not ready (shard 1: resuming)');
  });
});

describe('Slack Web API', () => {
  function client(): webApi.WebClient {
    const retryConfig = { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 };
    const web = new webApi.WebClient('xoxb-test', { slackApiUrl: `${url}/api/`, fetch: countingFetch(), retryConfig });
    watchSlackRateLimits(web);
    return web;
  }

  it('counts a platform error ("ok": false) and an HTTP error', async () => {
    handler = (req, res) => {
      if (req.url?.includes('chat.postMessage')) return json(res, 200, { ok: false, error: 'channel_not_found' });
      res.writeHead(503).end();
    };
    const web = client();
    await expect(web.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toThrow(/channel_not_found/);
    await expect.poll(() => metric('storyloom_chat_api_errors_total', { kind: 'platform' })).toBe(1);
    await expect(web.auth.test()).rejects.toThrow();
    // Both attempts of the retried call failed.
    expect(await metric('storyloom_chat_api_errors_total', { platform: 'slack', kind: '5xx' })).toBe(2);
  });

  it('counts the rate-limited event with its Retry-After, and the 429 as an error', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      if (calls === 1) return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      json(res, 200, { ok: true });
    };
    await client().auth.test();
    expect(calls).toBe(2);
    expect(await metric('storyloom_chat_rate_limit_waits_total', { platform: 'slack' })).toBe(1);
    expect(await metric('storyloom_chat_rate_limit_wait_seconds_total', { platform: 'slack' })).toBe(1);
    expect(await metric('storyloom_chat_api_errors_total', { platform: 'slack', kind: '429' })).toBe(1);
  });

  it('counts a call that got no answer', async () => {
    const refused = countingFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(refused(`${url}/api/auth.test`)).rejects.toThrow('fetch failed');
    expect(await metric('storyloom_chat_api_errors_total', { platform: 'slack', kind: 'network' })).toBe(1);
  });

  it('is ready while Socket Mode is connected, or the HTTP receiver listens', () => {
    const socket = (active: boolean | undefined) =>
      ({
        client: { websocket: active === undefined ? undefined : { isActive: () => active } },
      }) as unknown as SocketModeReceiver;
    expect(slackConnectionProblem(socket(true), false)).toBeNull();
    expect(slackConnectionProblem(socket(false), true)).toBe('the Slack Socket Mode connection is not open');
    expect(slackConnectionProblem(socket(undefined), true)).toBe('the Slack Socket Mode connection is not open');
    expect(slackConnectionProblem(undefined, true)).toBeNull();
    expect(slackConnectionProblem(undefined, false)).toBe('the Slack HTTP receiver is not listening');
  });
});
