/** The workers' health a chat shows (src/core/worker-health.ts): the running worker first, its speed once measured. */
import { describe, expect, it } from 'vitest';
import { workerHealth } from '../../src/core/worker-health.ts';
import { Heartbeat } from '../../src/jobs/protocol.ts';
import type { WorkerView } from '../../src/jobs/workers.ts';

function view(fields: Partial<Heartbeat> & { worker_id: string }, fresh = true): WorkerView {
  const now = new Date().toISOString();
  const heartbeat = Heartbeat.parse({
    v: 1,
    type: 'heartbeat',
    kind: 'test',
    version: 'test',
    state: 'running',
    at: now,
    started_at: now,
    runtime_ends_at: null,
    interval_s: 1,
    model: null,
    active_jobs: [],
    queued: 0,
    batch_max: 16,
    device: { type: 'cpu', name: 'test cpu', memory_total_mb: null, memory_used_mb: null },
    chars_per_second: 0,
    batch_seconds: null,
    jobs_done: 0,
    jobs_failed: 0,
    applied_controls: [],
    message: null,
    ...fields,
  });
  return { heartbeat, fresh, ageS: fresh ? 1 : 60 };
}

describe('worker health', () => {
  it('is offline with no fresh worker', () => {
    expect(workerHealth([view({ worker_id: 'gone' }, false)])).toEqual({
      online: false,
      workers: 0,
      id: null,
      state: null,
      model: null,
      device: null,
      charsPerSecond: null,
    });
  });

  it('shows the running worker before a paused one, its speed rounded once measured', () => {
    const paused = view({ worker_id: 'paused', state: 'paused' });
    const health = workerHealth([paused, view({ worker_id: 'gpu', chars_per_second: 561.4 })]);
    expect(health).toMatchObject({ online: true, workers: 2, id: 'gpu', state: 'running', charsPerSecond: 561 });
    expect(workerHealth([view({ worker_id: 'new' })]).charsPerSecond).toBeNull();
  });
});
