import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeApiError, httpError } from '../errors.ts';
import { parseBody, readRaw, type ParsedBody } from './body.ts';
import type { FaultInjector } from './faults.ts';
import type { RateLimiter } from './rate-limits.ts';
import type { RequestRecorder } from './recorder.ts';
import type { RouteResponse, Router } from './router.ts';

const API_PREFIX = '/api/v10';

/** What the REST request handler needs. */
export interface RestServerParts {
  router: Router;
  recorder: RequestRecorder;
  limiter: RateLimiter;
  faults: FaultInjector;
  /** Whether an Authorization header carries the bot token. */
  authorize(header: string | undefined): boolean;
  /** Called after every request, so waiters can re-check the state. */
  onChange(): void;
}

interface Answer {
  route: string;
  response: RouteResponse;
  headers: Record<string, string>;
}

/** Builds the `node:http` request listener of the fake REST API. */
export function createRestListener(parts: RestServerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(parts, req, res).catch((error: unknown) => {
      console.error('discord fake: request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}

async function handle(parts: RestServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const cdn = !url.pathname.startsWith(`${API_PREFIX}/`);
  const path = cdn ? url.pathname : url.pathname.slice(API_PREFIX.length);
  const query = Object.fromEntries(url.searchParams);
  const headers = flattenHeaders(req);
  let parsed: ParsedBody = { json: undefined, files: [], fields: {} };
  let answer: Answer;
  try {
    parsed = await parseBody(await readRaw(req), req.headers['content-type']);
    answer = await route(parts, { method, path, cdn, query, headers, parsed });
  } catch (error) {
    if (!(error instanceof FakeApiError)) throw error;
    answer = errorAnswer('', error, {});
  }
  send(res, answer);
  parts.recorder.record({
    method,
    path,
    route: answer.route,
    query,
    headers,
    body: parsed.json,
    files: parsed.files.map((f) => ({ ...f, text: f.data.toString('utf8') })),
    fields: parsed.fields,
    status: answer.response.status,
    response: answer.response.body,
    at,
  });
  parts.onChange();
}

interface Incoming {
  method: string;
  path: string;
  cdn: boolean;
  query: Record<string, string>;
  headers: Record<string, string>;
  parsed: ParsedBody;
}

async function route(parts: RestServerParts, incoming: Incoming): Promise<Answer> {
  const { method, path, cdn } = incoming;
  const limit = cdn ? { headers: {} } : parts.limiter.take(method, path);
  if (limit.refused) return { route: '', response: { status: 429, body: limit.refused.body }, headers: limit.headers };
  const fault = parts.faults.take(method, path);
  if (fault) return { route: '', response: fault, headers: limit.headers };
  const match = parts.router.match(method, path, cdn);
  if ('status' in match) {
    const error = match.status === 405 ? httpError(405, 'Method Not Allowed') : httpError(404, 'Not Found');
    return errorAnswer('', error, limit.headers);
  }
  const { route, params } = match;
  try {
    if (route.access === 'bot' && !parts.authorize(incoming.headers.authorization))
      throw httpError(401, 'Unauthorized');
    const { query, headers, parsed } = incoming;
    const response = await route.handler({
      method,
      path,
      params,
      query,
      headers,
      body: parsed.json,
      files: parsed.files,
    });
    return { route: route.pattern, response, headers: limit.headers };
  } catch (error) {
    if (!(error instanceof FakeApiError)) throw error;
    return errorAnswer(route.pattern, error, limit.headers);
  }
}

function errorAnswer(route: string, error: FakeApiError, headers: Record<string, string>): Answer {
  return { route, response: { status: error.status, body: error.body }, headers };
}

function send(res: ServerResponse, { response, headers }: Answer): void {
  if (response.raw) {
    res.writeHead(response.status, { ...headers, 'Content-Type': response.raw.contentType }).end(response.raw.data);
  } else if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
  } else {
    res
      .writeHead(response.status, { ...headers, 'Content-Type': 'application/json' })
      .end(JSON.stringify(response.body));
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
