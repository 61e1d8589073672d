/**
 * The job client's cleanup: a delete that fails must not leave the "jobs waiting"
 * hint on (which keeps a Drive mailbox polled at full speed: about 246 calls a
 * minute instead of about 20 when idle), and is tried again, request first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobClient, type JobHandler } from '../../src/jobs/client.ts';
import { serialize } from '../../src/jobs/parse.ts';
import type { Request, Response } from '../../src/jobs/protocol.ts';
import { WorkerMonitor } from '../../src/jobs/workers.ts';
import { quietLog, testLog } from '../helpers/log.ts';
import { LocalFolderTransport } from '../../src/transport/local.ts';
import type { Folder } from '../../src/transport/transport.ts';
import { makeRequest } from '../transport/drive/job-harness.ts';

/** A local mailbox whose deletes fail while `refusing` is set, and which records the "jobs waiting" hints. */
class RefusingTransport extends LocalFolderTransport {
  refusing = true;
  readonly hints: boolean[] = [];
  readonly deletes: string[] = [];

  override async delete(folder: Folder, name: string): Promise<void> {
    this.deletes.push(`${folder}/${name}${this.refusing ? ' (refused)' : ''}`);
    if (this.refusing) throw new Error('storyloom: Drive refused deleting it (403 insufficientFilePermissions)');
    return super.delete(folder, name);
  }

  override setUrgent(urgent: boolean): void {
    this.hints.push(urgent);
    super.setUrgent(urgent);
  }
}

const response = (jobId: string): Response => ({
  v: 1,
  type: 'response',
  job_id: jobId,
  worker_id: 'w',
  finished_at: new Date().toISOString(),
  ok: true,
  result: { text: ' and so on.', stop: 'stop_rule', model: 'm', model_sha256: '0'.repeat(64), device: 'cpu', ms: 1 },
});

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'storyloom-cleanup-'));
  const transport = new RefusingTransport(root, { idleMs: 50, urgentMs: 20 });
  await transport.open();
  const logs: string[] = [];
  const monitor = new WorkerMonitor(transport, 10, Date.now, quietLog());
  const client = new JobClient(transport, monitor, { sweepMs: 50, log: testLog(logs).log });
  const delivered: string[] = [];
  const handler: JobHandler = {
    response: async (request: Request) => void delivered.push(request.job_id),
    expired: async () => undefined,
  };
  client.setHandler(handler);
  const unsubscribe = transport.subscribe((c) => void client.onChange(c).catch(() => undefined));
  await client.start();
  stops.push(
    () => transport.close(),
    unsubscribe,
    () => client.stop(),
  );
  return { transport, client, delivered, logs };
}

describe('JobClient cleanup', () => {
  it('clears the "jobs waiting" hint when deleting a delivered job fails; cleans up later, request first', async () => {
    const { transport, client, delivered, logs } = await setup();
    const request = makeRequest('ann');
    await client.submit(request);
    expect(transport.hints.at(-1)).toBe(true);
    await transport.put('responses', `${request.job_id}.json`, serialize(response(request.job_id)));
    await expect.poll(() => delivered, { timeout: 3000 }).toEqual([request.job_id]);
    await expect.poll(() => transport.hints.at(-1), { timeout: 3000 }).toBe(false);
    expect(client.pending()).toEqual([]);
    // Every attempt so far stopped at the request: its response must stay while the request is there.
    expect(transport.deletes.every((d) => d.startsWith('requests/'))).toBe(true);
    expect(logs.join('\n')).not.toMatch(/storyloom: .*storyloom:/);
    transport.refusing = false;
    const left = async () => [...(await transport.list('requests')), ...(await transport.list('responses'))];
    await expect.poll(left, { timeout: 3000 }).toEqual([]);
    const done = transport.deletes.filter((d) => !d.endsWith('(refused)'));
    expect(done).toEqual([`requests/${request.job_id}.json`, `responses/${request.job_id}.json`]);
    expect(delivered).toEqual([request.job_id]);
    expect(transport.hints.at(-1)).toBe(false);
  });

  it('clears the hint when a cancel cannot delete the request', async () => {
    const { transport, client } = await setup();
    const request = makeRequest('bob');
    await client.submit(request);
    await expect(client.cancel(request.job_id)).rejects.toThrow(/refused/);
    expect(transport.hints.at(-1)).toBe(false);
  });

  it('clears the hint when a submit fails', async () => {
    const { transport, client } = await setup();
    transport.put = async () => {
      throw new Error('storyloom: Drive kept failing');
    };
    await expect(client.submit(makeRequest('cy'))).rejects.toThrow(/kept failing/);
    expect(transport.hints.at(-1)).toBe(false);
  });
});
