import { describe, expect, it } from 'vitest';
import { BLOCK_LIMITS, validateBlocks } from './index.ts';

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});
const button = (action_id: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text: 'Go' },
  ...extra,
});

describe('Block Kit limits', () => {
  it('accepts a message at the limits', () => {
    const blocks = [
      section('x'.repeat(BLOCK_LIMITS.sectionText)),
      { type: 'actions', elements: [button('a'.repeat(BLOCK_LIMITS.actionId), { value: 'v' })] },
      ...Array.from({ length: BLOCK_LIMITS.blocksPerMessage - 2 }, () => ({ type: 'divider' })),
    ];
    expect(validateBlocks(blocks)).toEqual({ valid: true, errors: [] });
  });

  it('refuses section text over 3000 characters, naming the field', () => {
    expect(validateBlocks([section('x'.repeat(3001))]).errors).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('refuses more than 50 blocks', () => {
    const result = validateBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' })));
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toContain('[json-pointer:/blocks]');
  });

  it('refuses an action_id over 255 characters, also on a section accessory', () => {
    const long = 'a'.repeat(256);
    expect(validateBlocks([{ type: 'actions', elements: [button(long)] }]).errors).toEqual([
      '[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ]);
    expect(validateBlocks([section('s', { accessory: button(long) })]).valid).toBe(false);
  });

  it('refuses duplicate ids, unknown block types, empty text and long button labels', () => {
    expect(validateBlocks([section('a', { block_id: 'b' }), section('c', { block_id: 'b' })]).errors[0]).toContain(
      'duplicate block_id',
    );
    expect(validateBlocks([{ type: 'actions', elements: [button('x'), button('x')] }]).errors[0]).toContain(
      'duplicate action_id',
    );
    expect(validateBlocks([{ type: 'carousel' }]).valid).toBe(false);
    expect(validateBlocks([section('')]).valid).toBe(false);
    expect(
      validateBlocks([
        { type: 'actions', elements: [button('x', { text: { type: 'plain_text', text: 'L'.repeat(76) } })] },
      ]).valid,
    ).toBe(false);
    expect(validateBlocks('not an array').valid).toBe(false);
  });
});
