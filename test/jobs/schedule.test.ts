import { describe, expect, it } from 'vitest';
import { nextBatch, recordServed, runOrder, SERVED_LIMIT } from '../../src/jobs/schedule.ts';

const job = (jobId: string, userId: string) => ({ jobId, userId });

describe('run order', () => {
  it('is round-robin by user, users ordered by their oldest job', () => {
    const waiting = [
      job('05', 'bob'),
      job('01', 'ann'),
      job('02', 'ann'),
      job('03', 'ann'),
      job('04', 'cy'),
      job('06', 'bob'),
    ];
    expect(runOrder(waiting).map((j) => j.jobId)).toEqual(['01', '04', '05', '02', '06', '03']);
  });

  it('one busy user cannot hold back a newcomer for more than one round', () => {
    const flood = Array.from({ length: 50 }, (_, i) => job(`A${String(i).padStart(3, '0')}`, 'flooder'));
    const order = runOrder([...flood, job('B000', 'newcomer')]);
    expect(order.findIndex((j) => j.userId === 'newcomer')).toBe(1);
  });

  it('a batch is the head of the run order', () => {
    const waiting = [job('1', 'a'), job('2', 'a'), job('3', 'b')];
    expect(nextBatch(waiting, 2).map((j) => j.jobId)).toEqual(['1', '3']);
    expect(nextBatch([], 4)).toEqual([]);
  });
});

describe('round-robin memory', () => {
  it('users last served longest ago go first, so nobody starves behind older floods', () => {
    const flood = ['a', 'b', 'c'].flatMap((u, i) => [0, 1, 2].map((k) => job(`${i}${k}`, u)));
    const late = job('99', 'late');
    let served = {};
    const firstBatch = nextBatch([...flood, late], 2, served);
    expect(firstBatch.map((j) => j.userId)).toEqual(['a', 'b']);
    served = recordServed(
      served,
      firstBatch.map((j) => j.userId),
    );
    const rest = [...flood, late].filter((j) => !firstBatch.includes(j));
    expect(nextBatch(rest, 2, served).map((j) => j.userId)).toEqual(['c', 'late']);
  });

  it('within one batch, the order of service carries on into the next round', () => {
    const served = recordServed({}, ['a', 'b', 'c']);
    const waiting = [job('1', 'c'), job('2', 'b'), job('3', 'a'), job('4', 'new')];
    expect(runOrder(waiting, served).map((j) => j.userId)).toEqual(['new', 'a', 'b', 'c']);
  });

  it('remembers at most SERVED_LIMIT users, the most recent', () => {
    let served = {};
    for (let b = 1; b <= 300; b++) served = recordServed(served, [`user${b}`]);
    expect(Object.keys(served)).toHaveLength(SERVED_LIMIT);
    expect(served).toHaveProperty('user300', 300);
    expect(served).not.toHaveProperty('user100');
  });
});
