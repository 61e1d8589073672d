/** Block Kit rendering under Slack's limits: lines, notices, and text split into sections. */
import { describe, expect, it } from 'vitest';
import { escapedPieces, lineMessage, noticeMessage, SECTION_LIMIT } from '../../../src/chat/slack/render.ts';
import type { Button, Line } from '../../../src/core/types.ts';
import { validateBlocks } from '../../fakes/slack/index.ts';

const line = (text: string): Line => ({
  id: '01J0000000000000000000000A',
  kind: 'model',
  text,
  by: { id: 'U1', name: '<!channel> Ann' },
  at: '2024-01-01T00:00:00.000Z',
  job_id: '01J0000000000000000000000B',
  sampling: null,
  model: 'tiny',
  delivered: false,
});
const buttons: Button[] = [
  { action: 'continue', label: 'Continue', customId: 'sl:continue:01J0000000000000000000000C:3', style: 'primary' },
  { action: 'undo', label: 'Undo', customId: 'sl:undo:01J0000000000000000000000C:3', style: 'secondary' },
  { action: 'end', label: 'End', customId: 'sl:end:01J0000000000000000000000C:3', style: 'danger' },
];

describe('rendering', () => {
  it('renders a model line that tries to mention everyone as plain, verbatim text with the story’s buttons', () => {
    const shouted = line('The crowd shouted <!channel> and <@U0123|boss> & <!subteam^S9>.');
    const message = lineMessage({ line: shouted, buttons });
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<[!@#]/);
    expect(message.text).toBe('The crowd shouted &lt;!channel&gt; and &lt;@U0123|boss&gt; &amp; &lt;!subteam^S9&gt;.');
    expect(message.blocks![0]).toEqual({
      type: 'section',
      block_id: 'line:01J0000000000000000000000A:0',
      text: { type: 'mrkdwn', text: message.text, verbatim: true },
    });
    const credit = '✍️ the model (tiny), asked by &lt;!channel&gt; Ann';
    const context = { type: 'context', elements: [{ type: 'mrkdwn', text: credit, verbatim: true }] };
    expect(message.blocks![1]).toEqual(context);
    const button = (i: number, text: string) => ({
      type: 'button',
      action_id: buttons[i].customId,
      value: buttons[i].customId,
      text: { type: 'plain_text', text, emoji: true },
    });
    expect(message.blocks![2]).toEqual({
      type: 'actions',
      elements: [
        { ...button(0, 'Continue'), style: 'primary' },
        button(1, 'Undo'),
        { ...button(2, 'End'), style: 'danger' },
      ],
    });
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
