/**
 * The pool as people see it: /status lists every worker (the offline ones briefly), progress names the worker
 * writing a line, and the ETA of a queued line counts every worker that takes lines, by what each can do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProgressText, OFFLINE_SHOWN, progressText, statusText } from '../../src/core/format.ts';
import { poolTimetable, progressOf } from '../../src/jobs/progress.ts';
import type { Heartbeat, Request } from '../../src/jobs/protocol.ts';
import type { WorkerView } from '../../src/jobs/workers.ts';
import { ROOT } from '../helpers/python.ts';

const contract = (name: string) => JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid', name), 'utf8'));
const base = contract('request-start.json') as Request;
const beat = contract('heartbeat-colab.json') as Heartbeat;

/** `n` requests from `n` different users, in run order (J01 first). */
const queue = (n: number): Request[] =>
  Array.from({ length: n }, (_, i) => {
    const id = `J${String(i + 1).padStart(2, '0')}`;
    return { ...base, job_id: id, user: { id: `u${id}`, name: id } };
  });

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A worker as the bot sees it: fresh and running unless told otherwise, seen a second ago. */
function worker(id: string, overrides: Partial<Heartbeat> = {}, fresh = true): WorkerView {
  const heartbeat: Heartbeat = {
    ...beat,
    worker_id: id,
    at: inSeconds(-1),
    active_jobs: [],
    served: {},
    message: null,
    ...overrides,
  };
  return { heartbeat, fresh, ageS: (Date.now() - Date.parse(heartbeat.at)) / 1000 };
}

const cpu = { type: 'cpu', name: 'cpu', memory_total_mb: null, memory_used_mb: null };
const a100 = { type: 'cuda', name: 'NVIDIA A100-SXM4-40GB', memory_total_mb: 40960, memory_used_mb: 2048 };

describe('/status with a pool', () => {
  it('lists each worker: kind, device, speed, lines in hand and written, state, runtime end; offline briefly', () => {
    const workers = [
      worker('colab-a100', {
        device: a100,
        chars_per_second: 310_000,
        active_jobs: ['J01', 'J02'],
        jobs_done: 1200,
        runtime_ends_at: inSeconds(3 * 3600 + 60),
      }),
      worker('kaggle-t4', {
        chars_per_second: 5120.5,
        jobs_done: 40,
        state: 'paused',
        runtime_ends_at: inSeconds(12 * 3600),
      }),
      worker('embedded-home', {
        kind: 'embedded',
        device: cpu,
        chars_per_second: 1600,
        jobs_done: 0,
        state: 'standby',
        runtime_ends_at: null,
      }),
      worker('colab-old', { at: inSeconds(-2 * 3600) }, false),
    ];
    const text = statusText(workers, 3, []);
    expect(text.split('\n')).toEqual([
      'Workers online: 3 of 4',
      '• colab-a100 (colab): running · NVIDIA A100-SXM4-40GB 2048/40960 MB · model medium · 310,000 chars/s · ' +
        '2 lines in hand · 1200 lines written · runtime ends in about 3.0 h',
      '• kaggle-t4 (colab): paused (takes nothing new until /admin resume) · Tesla T4 812/15360 MB · ' +
        'model medium · 5,121 chars/s · 0 lines in hand · 40 lines written · runtime ends in about 12.0 h',
      '• embedded-home (embedded): standby · cpu · model medium · 1,600 chars/s · 0 lines in hand · ' +
        '0 lines written',
      '• colab-old (colab): offline, last seen about 2.0 h ago',
      'Queue: 3 lines waiting.',
      'You have no lines waiting.',
    ]);
  });

  it('says what several workers that take lines write together', () => {
    const pair = [worker('a', { chars_per_second: 300_000 }), worker('b', { chars_per_second: 1600 })];
    const text = statusText(pair, 0, []);
    expect(text.split('\n')[0]).toBe('Workers online: 2; 2 take lines, about 301,600 chars/s together');
  });

  it('stays readable with many workers: every fresh one, the offline ones after a few only counted', () => {
    const fresh = Array.from({ length: 6 }, (_, i) => worker(`gpu-${i}`));
    const gone = Array.from({ length: OFFLINE_SHOWN + 4 }, (_, i) =>
      worker(`old-${i}`, { at: inSeconds(-3600 * (i + 1)) }, false),
    );
    const lines = statusText([...fresh, ...gone], 0, []).split('\n');
    const all = 6 + OFFLINE_SHOWN + 4;
    expect(lines[0]).toBe(`Workers online: 6 of ${all}; 6 take lines, about 30,723 chars/s together`);
    expect(lines.filter((l) => /^• gpu-\d \(colab\): running/.test(l))).toHaveLength(6);
    expect(lines.filter((l) => /^• old-\d \(colab\): offline, last seen/.test(l))).toHaveLength(OFFLINE_SHOWN);
    expect(lines).toContain(`• 4 more offline, last seen about ${OFFLINE_SHOWN + 1}.0 h ago or earlier`);
  });
});

describe('progress names the worker writing a line', () => {
  it('one worker: "Writing on colab-a100…", with its own batch time', () => {
    const workers = [
      worker('colab-a100', { active_jobs: ['J01'], batch_seconds: 20, chars_per_second: 300_000 }),
      worker('kaggle-t4', { batch_seconds: 60, chars_per_second: 5000 }),
    ];
    const p = progressOf(queue(2), workers);
    expect(p.get('J01')).toMatchObject({ state: 'writing', position: null, etaS: 20, writers: ['colab-a100'] });
    expect(progressText(p.get('J01')!)).toBe('✍️ Writing on colab-a100… (about 20 s)');
    expect(p.get('J02')).toMatchObject({ state: 'queued', position: 1 });
    expect(isProgressText(progressText(p.get('J01')!))).toBe(true);
  });

  it('two workers that both hold it (today each worker answers each request): both, fastest first', () => {
    const workers = [
      worker('cpu-home', { kind: 'embedded', active_jobs: ['J01'], chars_per_second: 1600, batch_seconds: 30 }),
      worker('colab-a100', { active_jobs: ['J01'], chars_per_second: 300_000, batch_seconds: 5 }),
    ];
    const p = progressOf(queue(1), workers).get('J01')!;
    expect(p.writers).toEqual(['colab-a100', 'cpu-home']);
    expect(progressText(p)).toBe('✍️ Writing on colab-a100 and cpu-home… (about 5 s)');
    expect(progressText({ ...p, writers: ['a', 'b', 'c'], etaS: null })).toBe('✍️ Writing on a, b and c…');
  });

  it('says only "Writing…" where no worker is named', () => {
    expect(progressText({ jobId: 'j', state: 'writing', position: null, etaS: null })).toBe('✍️ Writing…');
  });
});

describe('the ETA counts the whole pool', () => {
  const etas = (workers: WorkerView[], n: number) => [...progressOf(queue(n), workers).values()].map((p) => p.etaS);
  // A: 4 lines a batch in 2 s (2 lines/s); B: 2 lines in 1 s (2 lines/s); C: a GPU worker with no batch timed
  // yet, 64 lines in what 8 lines of 280 characters take at 17,920 chars/s, 0.125 s (512 lines/s).
  const a = () => worker('a', { batch_max: 4, batch_seconds: 2, chars_per_second: 3000 });
  const b = () => worker('b', { batch_max: 2, batch_seconds: 1, chars_per_second: 2000 });
  const c = () => worker('c', { batch_max: 64, batch_seconds: null, chars_per_second: 17_920 });

  it('1 worker: ⌈p / B⌉ batches, as before', () => {
    expect(etas([a()], 9)).toEqual([2, 2, 2, 2, 4, 4, 4, 4, 6]);
    // Half a batch left of the one in hand first.
    expect(etas([worker('a', { batch_max: 4, batch_seconds: 2, active_jobs: ['X'] })], 5)).toEqual([3, 3, 3, 3, 5]);
  });

  it('2 workers of different batch sizes: the batch ends of both, in time order', () => {
    // B ends at 1 (2 seats), both at 2 (6 seats), B at 3 (2), both at 4 (6).
    expect(etas([a(), b()], 16)).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4]);
    // Twice the throughput of A alone: 16 lines in 4 s instead of 8.
    expect(etas([a()], 16).at(-1)).toBe(8);
  });

  it('3 workers: the GPU worker counts for what it is', () => {
    const three = etas([a(), b(), c()], 600);
    // 64 lines every 0.125 s: the first 64 at 0.125 s, the next at 0.25 s…
    expect(three.slice(0, 2)).toEqual([0.125, 0.125]);
    expect(three[64]).toBe(0.25);
    // The queue ahead divided by the pool's combined throughput, give or take a batch.
    const pool = 4 / 2 + 2 / 1 + 64 / 0.125;
    for (const place of [100, 300, 600]) expect(Math.abs(three[place - 1]! - place / pool)).toBeLessThanOrEqual(0.125);
    // A CPU worker alone would take minutes for the same queue.
    expect(etas([a()], 600).at(-1)).toBe(300);
  });

  it('leaves out workers that take no new lines, and those with no batch time yet', () => {
    const paused = worker('p', { state: 'paused', batch_max: 64, batch_seconds: 0.1 });
    const standby = worker('s', { state: 'standby', batch_max: 64, batch_seconds: 0.1 });
    const draining = worker('d', { state: 'draining', batch_max: 64, batch_seconds: 0.1 });
    const unknown = worker('u', { batch_max: 64, batch_seconds: null, chars_per_second: 0 });
    const offline = worker('o', { batch_max: 64, batch_seconds: 0.1 }, false);
    expect(etas([a(), paused, standby, draining, unknown, offline], 5)).toEqual([2, 2, 2, 2, 4]);
    expect(poolTimetable(2, [unknown], base)).toEqual([null, null]);
  });
});
