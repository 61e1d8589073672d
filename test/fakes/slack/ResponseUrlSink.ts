import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomHex } from './ids.ts';
import type { MessageStore } from './MessageStore.ts';
import { readBody } from './requestParsing.ts';
import type { FakeIdentity, ResponseUrlPost } from './types.ts';
import { SlackApiError } from './webApi/apiTypes.ts';
import { messageContent } from './webApi/messageContent.ts';

/** Where a `response_url` answers: the channel and user of the interaction, and the message clicked. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message a button was clicked on, for `replace_original` / `delete_original`. */
  messageTs?: string;
  threadTs?: string;
}

/**
 * The fake's `response_url` endpoint. Every payload gets a fresh URL; posts to
 * it are recorded and take effect as on Slack: `replace_original` edits the
 * clicked message, `delete_original` removes it, `response_type: 'in_channel'`
 * posts as the bot, and anything else becomes an ephemeral message.
 */
export class ResponseUrlSink {
  private readonly targets = new Map<string, ResponseTarget>();
  private readonly recorded: ResponseUrlPost[] = [];

  constructor(
    private readonly messages: MessageStore,
    private readonly identity: FakeIdentity,
    private readonly baseUrl: () => string,
  ) {}

  /** A fresh response_url for an interaction aimed at `target`. */
  issue(target: ResponseTarget): string {
    const id = randomHex(10);
    this.targets.set(id, target);
    return `${this.baseUrl()}/response/${id}`;
  }

  /** Posts recorded so far, all or to one URL. */
  posts(url?: string): ResponseUrlPost[] {
    return this.recorded.filter((post) => url === undefined || post.url === url);
  }

  /** Handles `POST /response/<id>`. */
  async handle(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const target = this.targets.get(id);
    const raw = (await readBody(req)).toString('utf8');
    if (!target) return reply(res, 404, 'no_service');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(res, 400, 'invalid_payload');
    }
    this.recorded.push({ url: `${this.baseUrl()}/response/${id}`, body, at: Date.now() });
    try {
      this.apply(target, body);
    } catch (error) {
      if (error instanceof SlackApiError) return reply(res, 400, error.error);
      throw error;
    }
    reply(res, 200, 'ok');
  }

  private apply(target: ResponseTarget, body: Record<string, unknown>): void {
    const { channel, messageTs } = target;
    if (body.delete_original === true && messageTs !== undefined) {
      this.messages.delete(channel, messageTs);
      return;
    }
    const content = messageContent(body);
    if (body.replace_original === true && messageTs !== undefined) {
      this.messages.update(channel, messageTs, content, this.identity.botUserId);
    } else if (body.response_type === 'in_channel') {
      const thread_ts = typeof body.thread_ts === 'string' ? body.thread_ts : target.threadTs;
      const { botUserId: user, botId: bot_id, appId: app_id } = this.identity;
      this.messages.post({ channel, thread_ts, ...content, user, bot_id, app_id });
    } else {
      this.messages.addEphemeral({
        channel,
        user: target.user,
        thread_ts: target.threadTs,
        ...content,
        source: 'response_url',
      });
    }
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}
