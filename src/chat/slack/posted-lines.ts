/**
 * Finds out whether a story line is in its Slack thread already, for a line
 * the bot may have posted before it stopped. Every line post carries message
 * metadata naming its line ({@link LINE_EVENT}); Slack returns metadata only to
 * a read that asks for it (`include_all_metadata`). The read starts a little
 * before the line was written (Slack's clock and ours may differ) and stops
 * after a few pages.
 */
import type { webApi } from '@slack/bolt';
import type { Line } from '../../stories/schema.ts';
import type { SlackPlace } from './poster.ts';
import { LINE_EVENT } from './render.ts';

/** Messages per page, and pages at most, in one look. */
const PAGE_SIZE = 200;
const MAX_PAGES = 5;
/** How long before the line was written the look starts. */
const CLOCK_SLACK_MS = 10 * 60_000;

interface ReadMessage {
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** Reads threads for the metadata of line posts. */
export class PostedLines {
  constructor(private readonly client: webApi.WebClient) {}

  /** Whether a post of `line` is in the place: its thread (`conversations.replies`), or its channel (`conversations.history`). */
  async has(place: SlackPlace, line: Line): Promise<boolean> {
    const oldest = ((Date.parse(line.at) - CLOCK_SLACK_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const args = { channel: place.channel, oldest, limit: PAGE_SIZE, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
      const answer = place.thread ? await this.client.conversations.replies({ ...args, ts: place.thread }) : await this.client.conversations.history(args);
      if ((answer.messages as ReadMessage[] | undefined)?.some((message) => isPostOf(message, line.id))) return true;
      cursor = answer.response_metadata?.next_cursor;
      if (!cursor) return false;
    }
    return false;
  }
}

function isPostOf(message: ReadMessage, lineId: string): boolean {
  return message.metadata?.event_type === LINE_EVENT && message.metadata.event_payload?.line_id === lineId;
}
