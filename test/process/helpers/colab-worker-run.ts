/**
 * `python -m colab.worker` on a Drive mailbox as a real process, as the Colab
 * notebook runs it (on the CPU here, Debian's python3, the user's access token in
 * DRIVE_ACCESS_TOKEN), its heartbeat as it stands in the fake, and its clean stop.
 */
import { expect } from 'vitest';
import type { DriveFake } from '../../fakes/drive/index.ts';
import { PYTHON } from '../../helpers/python.ts';
import { startProcess, type ProcessRun, type StopResult } from './process-run.ts';

/** Where and how a worker runs. */
export interface ColabWorkerSpec {
  folderId: string;
  /** The Drive API base URL (the fake's, or a tap's in front of it). */
  apiUrl: string;
  /** DRIVE_ACCESS_TOKEN. */
  token: string;
  /** A model artifact's json path. */
  model: string;
  workerId: string;
  /** More arguments (`--poll`, `--interval`, `--quiet`, ...). */
  args?: string[];
}

/** Starts the worker with a plain environment: PATH, HOME, the token, unbuffered output. */
export function startColabWorker(spec: ColabWorkerSpec): ProcessRun {
  const args = [
    '-m',
    'colab.worker',
    '--drive-folder',
    spec.folderId,
    '--drive-api-url',
    spec.apiUrl,
    '--model',
    spec.model,
    '--worker-id',
    spec.workerId,
    '--device',
    'cpu',
    '--threads',
    '1',
    ...(spec.args ?? []),
  ];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    DRIVE_ACCESS_TOKEN: spec.token,
    PYTHONUNBUFFERED: '1',
  };
  return startProcess(`python -m colab.worker (${spec.workerId})`, PYTHON, args, env);
}

/** A worker's heartbeat as it stands in the fake (the untrashed `workers/<id>.json`). */
export function heartbeatIn(fake: DriveFake, workerId: string): { state: string; jobs_done: number } | undefined {
  const file = fake.files().find((f) => f.name === `${workerId}.json` && !f.trashed);
  return file && (JSON.parse(file.content) as { state: string; jobs_done: number });
}

/**
 * Stops a worker with SIGTERM and checks it stopped cleanly: exit code 0 within
 * `boundMs` (measured at 300–500 ms: a last heartbeat, then the I/O pool), no
 * process left, no traceback. Returns the measured stop.
 */
export async function stopWorkerCleanly(worker: ProcessRun, boundMs = 10_000): Promise<StopResult> {
  expect(worker.running, `${worker.name} is still up before the stop:\n${worker.describe()}`).toBe(true);
  const stopped = await worker.stop('SIGTERM', 'process', Math.max(boundMs * 3, 30_000));
  console.info(`[process] ${worker.name}: SIGTERM to the process -> ${JSON.stringify(stopped)}`);
  expect({ code: stopped.code, signal: stopped.signal }, worker.describe()).toEqual({ code: 0, signal: null });
  expect(stopped.ms, `${worker.name} took ${stopped.ms} ms to stop`).toBeLessThan(boundMs);
  expect(worker.processes()).toEqual([]);
  expect(worker.err).not.toMatch(/Traceback/);
  return stopped;
}
