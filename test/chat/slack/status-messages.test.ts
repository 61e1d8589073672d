/** Status messages on their own: posted once, edited at most once per interval, taken over after a restart. */
import { describe, expect, it, vi } from 'vitest';
import type { MessageRef, SlackPlace, SlackPoster } from '../../../src/chat/slack/poster.ts';
import { StatusMessages } from '../../../src/chat/slack/status-messages.ts';
import { quietLog } from '../../helpers/log.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A poster that records its calls (kind, text or ts, ms since it was made) and takes 20 ms to post. */
class RecordingPoster {
  readonly calls: [string, string, number][] = [];
  private readonly t0 = Date.now();
  private next = 1;
  async post(_place: SlackPlace, body: { text: string }, stillWanted?: () => boolean): Promise<MessageRef | null> {
    await sleep(20);
    if (stillWanted && !stillWanted()) return null;
    this.calls.push(['post', body.text, Date.now() - this.t0]);
    return { channel: 'C1', ts: String(this.next++) };
  }
  async update(_ref: MessageRef, body: { text: string }): Promise<void> {
    this.calls.push(['update', body.text, Date.now() - this.t0]);
  }
  async delete(ref: MessageRef): Promise<void> {
    this.calls.push(['delete', ref.ts, Date.now() - this.t0]);
  }
}

describe('StatusMessages', () => {
  const place = { channel: 'C1', thread: '1.0' };

  it('posts once, edits at most once per interval with the latest text, and stops at close', async () => {
    vi.useFakeTimers();
    try {
      const poster = new RecordingPoster();
      const status = new StatusMessages(poster as unknown as SlackPoster, quietLog(), 2000);
      status.show('job1', 'story1', place, '#3 in line');
      for (const text of ['#2 in line', '#1 in line', 'writing']) {
        await vi.advanceTimersByTimeAsync(500);
        status.show('job1', 'story1', place, text);
      }
      await vi.advanceTimersByTimeAsync(1000);
      status.show('job1', 'story1', place, 'almost');
      expect(await status.close('job1')).toEqual({ channel: 'C1', ts: '1' });
      await vi.advanceTimersByTimeAsync(3000);
      status.show('job1', 'story1', place, 'too late');
      await vi.advanceTimersByTimeAsync(3000);
      // The post counts as the first edit: the only edit comes a whole interval after the post
      // landed (at 20 ms), with the latest text.
      expect(poster.calls).toEqual([
        ['post', '#3 in line', 20],
        ['update', 'writing', 2020],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('posts nothing for a job that finished before its turn, and deletes the statuses of an ended story', async () => {
    const poster = new RecordingPoster();
    const status = new StatusMessages(poster as unknown as SlackPoster, quietLog(), 2000);
    status.show('fast', 'story1', place, '#1 in line');
    expect(await status.close('fast')).toBeNull();
    status.show('slow', 'story2', place, '#1 in line');
    await sleep(50);
    await status.closeStory('story2');
    expect(poster.calls.map(([kind, what]) => [kind, what])).toEqual([
      ['post', '#1 in line'],
      ['delete', '1'],
    ]);
  });

  it(
    'takes over a status message of an earlier run: edits it on, hands it over at close, and refuses a second one ' +
      'or one not wanted',
    async () => {
      const poster = new RecordingPoster();
      const status = new StatusMessages(poster as unknown as SlackPoster, quietLog(), 2000);
      const old = { channel: 'C1', ts: '5.0' };
      expect(await status.claim('job1', 'story1', old, true)).toBe(true);
      expect(await status.claim('job1', 'story1', old, true)).toBe(true);
      expect(await status.claim('job1', 'story1', { channel: 'C1', ts: '4.0' }, true)).toBe(false);
      expect(await status.claim('job2', 'story1', { channel: 'C1', ts: '3.0' }, false)).toBe(false);
      status.show('job1', 'story1', place, '#1 in line');
      await sleep(20);
      expect(await status.close('job1')).toEqual(old);
      expect(await status.claim('job1', 'story1', old, true)).toBe(false);
      expect(poster.calls.map(([kind, what]) => [kind, what])).toEqual([['update', '#1 in line']]);
    },
  );
});
