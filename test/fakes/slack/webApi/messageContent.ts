import { validateBlocks } from '../blockLimits.ts';
import { randomHex } from '../ids.ts';
import { stringArg } from '../requestParsing.ts';
import type { SlackBlock } from '../types.ts';
import { SlackApiError } from './apiTypes.ts';

/** Slack truncates longer texts; the fake refuses them so a test notices. */
export const MAX_TEXT_LENGTH = 40_000;

/** The text and blocks of a message-posting call, checked as Slack checks them. */
export interface MessageContent {
  text?: string;
  blocks?: SlackBlock[];
}

/**
 * Reads and checks `text` and `blocks`: one of them must be present
 * (`no_text`), text at most 40,000 chars (`msg_too_long`), blocks within
 * Block Kit limits (`invalid_blocks`, with Slack's `[ERROR]` messages).
 * Blocks without a `block_id` get one, as Slack assigns them.
 */
export function messageContent(args: Record<string, unknown>, required = true): MessageContent {
  const text = stringArg(args.text);
  const blocks = Array.isArray(args.blocks) && args.blocks.length === 0 ? undefined : args.blocks;
  if (required && text === undefined && blocks === undefined && args.attachments === undefined) {
    throw new SlackApiError('no_text');
  }
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) throw new SlackApiError('msg_too_long');
  if (blocks === undefined) return { text };
  const validation = validateBlocks(blocks);
  if (!validation.valid) {
    throw new SlackApiError('invalid_blocks', { response_metadata: { messages: validation.errors } });
  }
  return { text, blocks: withBlockIds(blocks as SlackBlock[]) };
}

function withBlockIds(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.map((block) => (block.block_id === undefined ? { ...block, block_id: randomHex(3) } : block));
}
