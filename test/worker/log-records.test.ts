/**
 * One event, logged by both workers: the embedded worker (src/worker) and the Colab worker (colab/worker) apply
 * the same control file under LOG_FORMAT=json, and their records have the same keys, in the same order, with the
 * same level, name and message. A log collector reads both sides the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { WORKER_NAME } from '../../src/log.ts';
import { applyControl } from '../../src/worker/control.ts';
import { Worker } from '../../src/worker/worker.ts';
import { LocalFolderTransport } from '../../src/transport/local.ts';
import { testLog, type LogRecord } from '../helpers/log.ts';
import { PYTHON, ROOT } from '../helpers/python.ts';

const COMMAND_ID = ulid();
const CONTROL = {
  v: 1,
  type: 'control',
  command_id: COMMAND_ID,
  command: 'pause',
  target: '*',
  issued_at: new Date().toISOString(),
  issued_by: { id: 'U1', name: 'admin' },
  model: null,
};

/** A mailbox folder holding the control file. */
function mailbox(): string {
  const root = mkdtempSync(join(tmpdir(), 'storyloom-log-records-'));
  mkdirSync(join(root, 'control'), { recursive: true });
  writeFileSync(join(root, 'control', `${COMMAND_ID}.json`), JSON.stringify(CONTROL));
  return root;
}

/** The embedded worker's record of applying it. */
async function typescriptRecord(): Promise<LogRecord> {
  const transport = new LocalFolderTransport(mailbox());
  await transport.open();
  const { log, records } = testLog([], 'info', WORKER_NAME);
  const worker = new Worker(transport, {
    workerId: 'worker-a',
    kind: 'embedded',
    mode: 'always',
    batchMax: 1,
    intervalS: 60,
    version: 'test',
    heartbeatOnBatch: false,
    loadEngine: () => Promise.reject(new Error('no model here')),
    onRestart: () => undefined,
    log,
  });
  await applyControl(worker, `${COMMAND_ID}.json`);
  await transport.close();
  return records.find((r) => r.command === 'pause')!;
}

const PYTHON_SIDE = `
import sys, torch
from colab.tests.helpers.worker import worker_options
from colab.transport.local import LocalFolderTransport
from colab.worker.control import apply_control
from colab.worker.worker import Worker
w = Worker(LocalFolderTransport(sys.argv[1]), worker_options("none.json", worker_id="worker-a"), torch.device("cpu"))
apply_control(w, sys.argv[2])
w.pool.shutdown()
`;

/** The Colab worker's records of applying it (stdout, LOG_FORMAT=json). */
async function pythonRecords(): Promise<LogRecord[]> {
  const env = { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
  const args = ['-c', PYTHON_SIDE, mailbox(), `${COMMAND_ID}.json`];
  const { stdout } = await promisify(execFile)(PYTHON, args, { cwd: ROOT, env, timeout: 120_000 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogRecord);
}

describe('a control applied, as both workers log it', () => {
  it('has the same keys in the same order, level, name and message on both sides', async () => {
    const [ts, py] = await Promise.all([typescriptRecord(), pythonRecords()]);
    const pyRecord = py.find((r) => r.command === 'pause');
    expect(pyRecord, JSON.stringify(py)).toBeDefined();
    expect(Object.keys(ts)).toEqual(['level', 'time', 'name', 'worker_id', 'command', 'command_id', 'msg']);
    expect(Object.keys(pyRecord!)).toEqual(Object.keys(ts));
    const same = ({ time: _, ...rest }: LogRecord) => rest;
    expect(same(pyRecord!)).toEqual(same(ts));
    expect(ts.msg).toBe(`storyloom worker: control pause (${COMMAND_ID}) from 'admin'`);
    // Every other Python record has the shape too.
    for (const record of py) expect(Object.keys(record).slice(0, 3)).toEqual(['level', 'time', 'name']);
  }, 120_000);
});
