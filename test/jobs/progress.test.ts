import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressText } from '../../src/core/format.ts';
import { progressOf } from '../../src/jobs/progress.ts';
import type { Heartbeat, Request } from '../../src/jobs/protocol.ts';
import type { WorkerView } from '../../src/jobs/workers.ts';
import { ROOT } from '../helpers/python.ts';

const base = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/request-start.json'), 'utf8')) as Request;
const beat = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/heartbeat-colab.json'), 'utf8')) as Heartbeat;
const req = (jobId: string, user: string): Request => ({ ...base, job_id: jobId, user: { id: user, name: user } });
const worker = (overrides: Partial<Heartbeat> = {}, fresh = true): WorkerView => ({
  heartbeat: { ...beat, active_jobs: [], served: {}, ...overrides },
  fresh,
  ageS: 1,
});

describe('progress', () => {
  const waiting = [req('A1', 'ann'), req('A2', 'ann'), req('B1', 'bob'), req('C1', 'cy')];

  it('gives places in the run order and ETAs from the batch time', () => {
    const p = progressOf(waiting, [worker({ batch_max: 2, batch_seconds: 4 })]);
    expect([...p.values()].map((x) => [x.jobId, x.position, x.etaS])).toEqual([
      ['A1', 1, 4],
      ['B1', 2, 4],
      ['C1', 3, 8],
      ['A2', 4, 8],
    ]);
    expect(p.get('A1')!.state).toBe('queued');
  });

  it('jobs a worker has in hand are being written', () => {
    const p = progressOf(waiting, [
      worker({ batch_max: 2, batch_seconds: 4, active_jobs: ['A1', 'B1'], served: { ann: 1, bob: 2 } }),
    ]);
    expect(p.get('A1')).toMatchObject({ state: 'writing', position: null, etaS: 4 });
    // Half a batch left for the one in hand, then one batch for this one.
    expect(p.get('C1')).toMatchObject({ state: 'queued', position: 1, etaS: 6 });
    expect(p.get('A2')).toMatchObject({ state: 'queued', position: 2, etaS: 6 });
  });

  it('uses the worker’s round-robin memory', () => {
    const p = progressOf([req('A1', 'ann'), req('B1', 'bob')], [worker({ served: { ann: 10, bob: 9 } })]);
    expect(p.get('B1')!.position).toBe(1);
    expect(p.get('A1')!.position).toBe(2);
  });

  it('estimates from characters per second before any batch time is known', () => {
    const p = progressOf([req('A1', 'ann')], [worker({ batch_seconds: null, chars_per_second: 560, batch_max: 64 })]);
    expect(p.get('A1')!.etaS).toBeCloseTo((280 * 8) / 560);
  });

  it('says when the worker is paused, draining, and when none is online', () => {
    expect(progressOf(waiting, [worker({ state: 'paused' })]).get('A1')).toMatchObject({
      state: 'paused',
      position: 1,
      etaS: null,
    });
    const drained = progressOf(waiting, [worker({ state: 'draining' })]).get('B1')!;
    expect(drained).toMatchObject({ state: 'draining', position: 2, etaS: null });
    expect(progressText(drained)).toBe(
      '⏸️ The worker is draining: it finishes what it has and takes nothing new. ' +
        'Your request is saved (#2 in line) and will run after /admin resume, or on another worker.',
    );
    expect(progressText({ ...drained, state: 'paused' })).toBe(
      '⏸️ The worker is paused. ' +
        'Your request is saved (#2 in line) and will run once an admin resumes the worker (/admin resume).',
    );
    expect(progressOf(waiting, [worker({}, false)]).get('A1')).toMatchObject({ state: 'offline', position: 1 });
    expect(progressOf(waiting, []).get('C1')).toMatchObject({ state: 'offline', position: 3 });
  });
});
