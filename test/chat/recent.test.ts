/** The bounded memory of keys already handled (Slack's request dedupe, the playground's posted lines). */
import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../src/chat/recent.ts';

describe('RecentKeys', () => {
  it('says first once per key, and forgets the oldest beyond its capacity', () => {
    const recent = new RecentKeys(3);
    expect([recent.first('a'), recent.first('a'), recent.first('b')]).toEqual([true, false, true]);
    expect(recent.allFirst('c', 'd')).toBe(true);
    expect(recent.allFirst('e', 'd')).toBe(false);
    expect(recent.size).toBe(3);
    expect(recent.first('a')).toBe(true);
  });
});
