/** The per-channel pacer: about one post per second per channel. */
import { describe, expect, it, vi } from 'vitest';
import { ChannelPacer } from '../../../src/chat/slack/pacer.ts';

describe('ChannelPacer', () => {
  it('spaces posts to one channel, not across channels, and skips unwanted ones without using a turn', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new ChannelPacer(1000);
      const t0 = Date.now();
      const started: [string, number][] = [];
      const post = (channel: string) => pacer.run(channel, async () => void started.push([channel, Date.now() - t0]));
      const all = Promise.all([
        post('C1'),
        post('C1'),
        post('C2'),
        pacer.run(
          'C1',
          async () => 'never',
          () => false,
        ),
        post('C1'),
      ]);
      await vi.advanceTimersByTimeAsync(5000);
      expect((await all)[3]).toBeUndefined();
      expect(started).toEqual([
        ['C1', 0],
        ['C2', 0],
        ['C1', 1000],
        ['C1', 2000],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});
