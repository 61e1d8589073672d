/** Telling an earlier run's jobs from this run's, and looking each up once (src/chat/earlier-run.ts). */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { OnceEach, jobMadeAt } from '../../src/chat/earlier-run.ts';

describe('OnceEach (looking up what an earlier run left)', () => {
  it('runs a look-up once per key, and lets a caller go on after the wait while the look-up finishes', async () => {
    const late: string[] = [];
    const once = new OnceEach<void>(30, (key) => late.push(key));
    let runs = 0;
    let finish: () => void = () => undefined;
    const slow = () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const t0 = Date.now();
    await once.wait('story1', slow);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(late).toEqual(['story1']);
    const again = once.wait('story1', slow);
    finish();
    await again;
    expect(runs).toBe(1);
    expect([once.has('story1'), once.has('story2')]).toEqual([true, false]);
  });

  it('hands the result to the caller that started the look-up only (it was read during that call)', async () => {
    const once = new OnceEach<string>(1000, () => undefined);
    const first = once.wait('job1', async () => 'read now');
    const second = once.wait('job1', async () => 'never run');
    expect([await first, await second, await once.wait('job1', async () => 'never run')]).toEqual([
      'read now',
      undefined,
      undefined,
    ]);
  });

  it('tells when a job was made, from its ULID', () => {
    expect(jobMadeAt(ulid(1_700_000_000_000))).toBe(1_700_000_000_000);
    expect(jobMadeAt('job1')).toBe(Number.POSITIVE_INFINITY);
  });
});
