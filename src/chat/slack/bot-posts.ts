/**
 * Role: the bot's own posts in a thread, found again so a line is posted once (on
 * Discord, bot-posts.ts too). On Slack: reads a story's thread for the bot's own
 * posts, by the message metadata they carry: line posts ({@link LINE_EVENT}), to
 * find a line the bot may have posted before it stopped, and status messages
 * ({@link STATUS_EVENT}), to take over the ones an earlier run left, and vote
 * messages ({@link VOTE_EVENT}, or buttons naming the vote), to post a vote once. Slack returns
 * metadata only to a read that asks for it (`include_all_metadata`). A read starts
 * a little before the time it is given (Slack's clock and ours may differ) and
 * stops after a few pages.
 */
import type { webApi } from '@slack/bolt';
import type { Line } from '../../core/types.ts';
import type { MessageRef, SlackPlace } from './poster.ts';
import { LINE_EVENT, STATUS_EVENT, VOTE_EVENT } from './render.ts';

/** Messages per page, and pages at most, in one look. */
const PAGE_SIZE = 200;
const MAX_PAGES = 5;
/** How long before the given time a look starts. */
const CLOCK_SLACK_MS = 10 * 60_000;

interface ReadMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  blocks?: { type?: string; elements?: { action_id?: string }[] }[];
}

/** A status message found in a thread: its job, its story, and where it is. */
export interface FoundStatus {
  jobId: string;
  storyId: string;
  ref: MessageRef;
}

/** What one read of a thread found: the lines posted (by line id) and the status messages (oldest first). */
export interface ThreadScan {
  lines: Set<string>;
  statuses: FoundStatus[];
  /** Whether the read saw every message since then (it reads at most {@link MAX_PAGES} pages). */
  complete: boolean;
}

/** Reads threads for the metadata of the bot's posts. */
export class BotPosts {
  constructor(private readonly client: webApi.WebClient) {}

  /** Whether a post of `line` is in the place: its thread (`conversations.replies`) or channel (`.history`). */
  async hasLine(place: SlackPlace, line: Line): Promise<boolean> {
    let found = false;
    await this.read(place, Date.parse(line.at), (message) => (found = lineIdOf(message) === line.id));
    return found;
  }

  /**
   * The message that shows the vote `voteId` in the place, posted since about `sinceMs`: found by its metadata,
   * or by buttons whose action ids name the vote (`sl:vote:<storyId>:<voteId>:<n>`). Null when there is none.
   */
  async findVote(place: SlackPlace, voteId: string, sinceMs: number): Promise<MessageRef | null> {
    let found: MessageRef | null = null;
    await this.read(place, sinceMs, (message) => {
      if (message.ts && isVoteMessage(message, voteId)) found = { channel: place.channel, ts: message.ts };
      return found !== null;
    });
    return found;
  }

  /** The line posts and status messages in the place since about `sinceMs`. */
  async scan(place: SlackPlace, sinceMs: number): Promise<ThreadScan> {
    const scan: ThreadScan = { lines: new Set(), statuses: [], complete: false };
    scan.complete = await this.read(place, sinceMs, (message) => {
      const lineId = lineIdOf(message);
      if (lineId) scan.lines.add(lineId);
      const status = statusOf(message, place.channel);
      if (status) scan.statuses.push(status);
      return false;
    });
    return scan;
  }

  /**
   * Shows `visit` the place's messages from a little before `sinceMs`, oldest
   * first, page by page, until it says stop. Resolves with whether it saw them
   * all (it reads at most {@link MAX_PAGES} pages).
   */
  private async read(place: SlackPlace, sinceMs: number, visit: (message: ReadMessage) => boolean): Promise<boolean> {
    const oldest = ((sinceMs - CLOCK_SLACK_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const page = cursor ? { cursor } : {};
      const args = { channel: place.channel, oldest, limit: PAGE_SIZE, include_all_metadata: true, ...page };
      const answer = place.thread
        ? await this.client.conversations.replies({ ...args, ts: place.thread })
        : await this.client.conversations.history(args);
      if (((answer.messages as ReadMessage[] | undefined) ?? []).some(visit)) return false;
      cursor = answer.response_metadata?.next_cursor;
      if (!cursor) return true;
    }
    return false;
  }
}

function lineIdOf(message: ReadMessage): string | undefined {
  const payload = message.metadata?.event_type === LINE_EVENT ? message.metadata.event_payload : undefined;
  return typeof payload?.line_id === 'string' ? payload.line_id : undefined;
}

function statusOf(message: ReadMessage, channel: string): FoundStatus | undefined {
  const payload = message.metadata?.event_type === STATUS_EVENT ? message.metadata.event_payload : undefined;
  if (!message.ts || typeof payload?.job_id !== 'string' || typeof payload.story_id !== 'string') return undefined;
  return { jobId: payload.job_id, storyId: payload.story_id, ref: { channel, ts: message.ts } };
}

function isVoteMessage(message: ReadMessage, voteId: string): boolean {
  const payload = message.metadata?.event_type === VOTE_EVENT ? message.metadata.event_payload : undefined;
  if (payload?.vote_id === voteId) return true;
  const buttons = (message.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  return buttons.some((e) => e.action_id?.startsWith('sl:vote:') && e.action_id.split(':')[3] === voteId);
}
