import { describe, expect, it } from 'vitest';
import { nextBatch, runOrder } from '../../src/jobs/schedule.ts';

const job = (jobId: string, userId: string) => ({ jobId, userId });

describe('run order', () => {
  it('is round-robin by user, users ordered by their oldest job', () => {
    const waiting = [job('05', 'bob'), job('01', 'ann'), job('02', 'ann'), job('03', 'ann'), job('04', 'cy'), job('06', 'bob')];
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
