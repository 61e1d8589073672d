/** The ops HTTP server (src/ops/server.ts): its three endpoints, 404 for the rest, and a taken port. */
import { afterEach, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Readiness } from '../../src/ops/readiness.ts';
import { startOpsServer, type OpsServer } from '../../src/ops/server.ts';
import { testLog } from '../helpers/log.ts';

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(ready: () => Readiness): Promise<OpsServer> {
  const registry = new Registry();
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    readiness: async () => ready(),
    metrics: registry,
  });
  servers.push(server);
  return server;
}

it('serves liveness, readiness (200 or 503 with each part) and the metrics', async () => {
  let answer: Readiness = { ready: true, parts: { mailbox: { ready: true } } };
  const ops = await start(() => answer);
  expect(ops.port).toBeGreaterThan(0);
  expect(ops.url).toBe(`http://127.0.0.1:${ops.port}`);

  const live = await fetch(`${ops.url}/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toMatchObject({ live: true });

  const ready = await fetch(`${ops.url}/health/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual(answer);
  answer = { ready: false, parts: { mailbox: { ready: false, reason: 'Drive changes.list failed: HTTP 503' } } };
  const notReady = await fetch(`${ops.url}/health/ready`);
  expect(notReady.status).toBe(503);
  expect(await notReady.json()).toEqual(answer);

  const metrics = await fetch(`${ops.url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
});

it('answers 404 to any other path or method', async () => {
  const ops = await start(() => ({ ready: true, parts: {} }));
  expect((await fetch(`${ops.url}/`)).status).toBe(404);
  expect((await fetch(`${ops.url}/health`)).status).toBe(404);
  expect((await fetch(`${ops.url}/metrics`, { method: 'POST', body: 'x' })).status).toBe(404);
});

it('answers 500 when readiness itself fails, and keeps serving', async () => {
  const { log, messages: logged } = testLog();
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    readiness: () => Promise.reject(new Error('boom')),
    metrics: new Registry(),
    log,
  });
  servers.push(server);
  expect((await fetch(`${server.url}/health/ready`)).status).toBe(500);
  expect(logged.join('\n')).toMatch(/GET \/health\/ready failed: .*boom/);
  expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
});

it('says which setting to change when the port is taken', async () => {
  const first = await start(() => ({ ready: true, parts: {} }));
  const taken = startOpsServer({
    host: '127.0.0.1',
    port: first.port,
    readiness: async () => ({ ready: true, parts: {} }),
    metrics: new Registry(),
  });
  await expect(taken).rejects.toThrow(`OPS_PORT ${first.port} on 127.0.0.1 is already in use`);
});
