import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, callerLabel } from './auth.ts';
import { handleControl } from './control-http.ts';
import { DriveError } from './drive-error.ts';
import type { DriveFake } from './drive-fake.ts';
import { performFault, type Scheduler } from './fault-reply.ts';
import { uploadChunk } from './handlers/files-resumable.ts';
import type { Reply } from './handlers/handler.ts';
import { exchangeToken } from './handlers/token.ts';
import { errorReply, readBody, writeReply } from './http-io.ts';
import { matchRoute, type RouteMatch } from './routes.ts';

/**
 * The fake's request handling. For an API call: read the body, wait out the
 * latency, then either inject a fault before anything happens, or count the
 * call, authenticate, run the handler, and (for an after-effect fault) fail
 * the response of a call that did take effect.
 */
export function createRequestListener(fake: DriveFake, later: Scheduler): RequestListener {
  return (req, res) => {
    handle(fake, req, res, later).catch((err: unknown) => writeReply(res, errorReply(err)));
  };
}

async function handle(fake: DriveFake, req: IncomingMessage, res: ServerResponse, later: Scheduler) {
  const url = new URL(req.url ?? '/', 'http://drive-fake');
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (url.pathname.startsWith('/__fake/')) {
    writeReply(res, handleControl(fake, method, url.pathname, body));
    return;
  }
  const route = matchRoute(method, url.pathname, url.searchParams);
  if (!route) {
    writeReply(
      res,
      errorReply(new DriveError(404, 'notFound', `Not Found: the Drive fake does not serve ${method} ${url.pathname}`)),
    );
    return;
  }
  const label = callerLabel(fake.state.principals, req.headers, url.searchParams);
  if (fake.latencyMs > 0) await sleep(fake.latencyMs);
  const fault = fake.faults.pick(route.method);
  if (fault && !fault.afterEffect) {
    fake.counter.record(route.method, label, 'injected', fault.kind);
    performFault(fault, res, later);
    return;
  }
  fake.counter.record(route.method, label, 'calls');
  const reply = runRoute(fake, route, req, url.searchParams, body);
  if (fault) {
    fake.counter.record(route.method, label, 'injected', fault.kind);
    performFault(fault, res, later);
    return;
  }
  writeReply(res, reply);
}

function runRoute(
  fake: DriveFake,
  route: RouteMatch,
  req: IncomingMessage,
  query: URLSearchParams,
  body: Buffer,
): Reply {
  try {
    if (route.handler === 'token') return exchangeToken(fake.state.principals, body, req.headers);
    if (route.handler === 'chunk') return uploadChunk(fake.state, query, req.headers, body);
    const principal = authenticate(fake.state.principals, req.headers, query);
    return route.handler({
      state: fake.state,
      principal,
      query,
      headers: req.headers,
      body,
      params: route.params,
      isUpload: route.isUpload,
    });
  } catch (err) {
    return errorReply(err);
  }
}
