/**
 * The Slack adapter's parts on their own: Block Kit rendering under Slack's
 * limits, the dedupe memory, the per-channel pacer, and status messages.
 */
import { describe, expect, it, vi } from 'vitest';
import { ChannelPacer } from '../../../src/chat/slack/pacer.ts';
import type { MessageRef, SlackPlace, SlackPoster } from '../../../src/chat/slack/poster.ts';
import { RecentKeys } from '../../../src/chat/recent.ts';
import { escapedPieces, lineMessage, noticeMessage, SECTION_LIMIT } from '../../../src/chat/slack/render.ts';
import { StatusMessages } from '../../../src/chat/slack/status-messages.ts';
import type { Button } from '../../../src/core/types.ts';
import type { Line } from '../../../src/stories/schema.ts';
import { validateBlocks } from '../../fakes/slack/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const line = (text: string): Line => ({
  id: '01J0000000000000000000000A', kind: 'model', text, by: { id: 'U1', name: '<!channel> Ann' }, at: '2024-01-01T00:00:00.000Z',
  job_id: '01J0000000000000000000000B', sampling: null, model: 'tiny', delivered: false,
});
const buttons: Button[] = [
  { action: 'continue', label: 'Continue', customId: 'sl:continue:01J0000000000000000000000C:3', style: 'primary' },
  { action: 'undo', label: 'Undo', customId: 'sl:undo:01J0000000000000000000000C:3', style: 'secondary' },
  { action: 'end', label: 'End', customId: 'sl:end:01J0000000000000000000000C:3', style: 'danger' },
];

describe('rendering', () => {
  it('renders a model line that tries to mention everyone as plain, verbatim text with the story’s buttons', () => {
    const message = lineMessage({ line: line('The crowd shouted <!channel> and <@U0123|boss> & <!subteam^S9>.'), buttons });
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<[!@#]/);
    expect(message.text).toBe('The crowd shouted &lt;!channel&gt; and &lt;@U0123|boss&gt; &amp; &lt;!subteam^S9&gt;.');
    expect(message.blocks![0]).toEqual({ type: 'section', block_id: 'line:01J0000000000000000000000A:0', text: { type: 'mrkdwn', text: message.text, verbatim: true } });
    expect(message.blocks![1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '✍️ the model (tiny), asked by &lt;!channel&gt; Ann', verbatim: true }] });
    expect(message.blocks![2]).toEqual({ type: 'actions', elements: [
      { type: 'button', action_id: buttons[0].customId, value: buttons[0].customId, text: { type: 'plain_text', text: 'Continue', emoji: true }, style: 'primary' },
      { type: 'button', action_id: buttons[1].customId, value: buttons[1].customId, text: { type: 'plain_text', text: 'Undo', emoji: true } },
      { type: 'button', action_id: buttons[2].customId, value: buttons[2].customId, text: { type: 'plain_text', text: 'End', emoji: true }, style: 'danger' },
    ] });
    expect(validateBlocks(message.blocks).errors).toEqual([]);
  });

  it('splits long text into sections under 3,000 characters, escaped, and keeps every word', () => {
    const text = 'Tom & Jerry <ran> far. '.repeat(600).trim();
    const pieces = escapedPieces(text);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.length).toBeLessThanOrEqual(8);
    expect(pieces.every((p) => p.length <= SECTION_LIMIT)).toBe(true);
    expect(pieces.join(' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(text);
    const message = noticeMessage(text, buttons);
    expect(validateBlocks(message.blocks).errors).toEqual([]);
    expect(message.text.length).toBeLessThan(500);
    expect(message.text.endsWith('…')).toBe(true);
    const huge = noticeMessage('word '.repeat(40_000), buttons);
    expect(validateBlocks(huge.blocks).errors).toEqual([]);
    expect(JSON.stringify(huge.blocks)).toContain('(cut: too long for one Slack message)');
  });
});

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

describe('ChannelPacer', () => {
  it('spaces posts to one channel, not across channels, and skips unwanted ones without using a turn', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new ChannelPacer(1000);
      const t0 = Date.now();
      const started: [string, number][] = [];
      const post = (channel: string) => pacer.run(channel, async () => void started.push([channel, Date.now() - t0]));
      const all = Promise.all([post('C1'), post('C1'), post('C2'), pacer.run('C1', async () => 'never', () => false), post('C1')]);
      await vi.advanceTimersByTimeAsync(5000);
      expect((await all)[3]).toBeUndefined();
      expect(started).toEqual([['C1', 0], ['C2', 0], ['C1', 1000], ['C1', 2000]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

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
      const status = new StatusMessages(poster as unknown as SlackPoster, () => undefined, 2000);
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
      expect(poster.calls).toEqual([['post', '#3 in line', 20], ['update', 'writing', 2020]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('posts nothing for a job that finished before its turn, and deletes the statuses of an ended story', async () => {
    const poster = new RecordingPoster();
    const status = new StatusMessages(poster as unknown as SlackPoster, () => undefined, 2000);
    status.show('fast', 'story1', place, '#1 in line');
    expect(await status.close('fast')).toBeNull();
    status.show('slow', 'story2', place, '#1 in line');
    await sleep(50);
    await status.closeStory('story2');
    expect(poster.calls.map(([kind, what]) => [kind, what])).toEqual([['post', '#1 in line'], ['delete', '1']]);
  });

  it('takes over a status message of an earlier run: edits it on, hands it over at close, and refuses a second one or one not wanted', async () => {
    const poster = new RecordingPoster();
    const status = new StatusMessages(poster as unknown as SlackPoster, () => undefined, 2000);
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
  });
});
