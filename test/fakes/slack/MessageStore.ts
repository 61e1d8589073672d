import type { IdFactory } from './ids.ts';
import type { EphemeralMessage, StoredMessage } from './types.ts';

/** A message to store: everything but what the store assigns. */
export type NewMessage = Omit<StoredMessage, 'ts' | 'reactions' | 'postedAt' | 'reply_count'>;

/** The parts of a message `chat.update` may change. */
export type MessageChanges = Pick<StoredMessage, 'text' | 'blocks' | 'metadata'>;

/**
 * Every message in the fake workspace, by channel, in ts order, with threads
 * and reactions; plus ephemeral messages, which only their user sees.
 */
export class MessageStore {
  private readonly byChannel = new Map<string, StoredMessage[]>();
  private readonly ephemerals: EphemeralMessage[] = [];

  constructor(private readonly ids: IdFactory) {}

  /** Stores a message with a fresh ts; a reply also marks its thread's root. */
  post(input: NewMessage): StoredMessage {
    const message: StoredMessage = { ...input, ts: this.ids.nextTs(), reactions: [], postedAt: Date.now() };
    if (message.thread_ts !== undefined) this.markThreadRoot(message.channel, message.thread_ts);
    this.channelList(message.channel).push(message);
    return message;
  }

  /** The message with this ts in this channel, if any. */
  find(channel: string, ts: string): StoredMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** The ts of the thread root a `thread_ts` points at (a reply's ts leads to its root). */
  threadRootTs(channel: string, threadTs: string): string | undefined {
    const target = this.find(channel, threadTs);
    if (!target) return undefined;
    return target.thread_ts ?? target.ts;
  }

  /**
   * Changes a message's content and marks it edited; undefined when it does not exist. A change left undefined
   * keeps what the message had; `blocks: []` removes its blocks (as `chat.update` does).
   */
  update(channel: string, ts: string, changes: MessageChanges, editor: string): StoredMessage | undefined {
    const message = this.find(channel, ts);
    if (!message) return undefined;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'blocks' && Array.isArray(value) && value.length === 0) delete message.blocks;
      else if (value !== undefined) Object.assign(message, { [key]: value });
    }
    message.edited = { user: editor, ts: this.ids.nextTs() };
    return message;
  }

  /** Removes a message; false when it does not exist. */
  delete(channel: string, ts: string): boolean {
    const list = this.byChannel.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** What the channel shows: top-level messages and broadcast replies, in order. */
  history(channel: string): StoredMessage[] {
    return this.all(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast);
  }

  /** Every message in the channel, replies included, in order. */
  all(channel: string): StoredMessage[] {
    return [...(this.byChannel.get(channel) ?? [])];
  }

  /** A thread as `conversations.replies` lists it: the root, then its replies; undefined if no root. */
  thread(channel: string, rootTs: string): StoredMessage[] | undefined {
    const root = this.find(channel, rootTs);
    if (!root) return undefined;
    const replies = this.all(channel).filter((m) => m.thread_ts === rootTs && m.ts !== rootTs);
    return [root, ...replies];
  }

  /** Stores an ephemeral message. */
  addEphemeral(input: Omit<EphemeralMessage, 'ts' | 'postedAt'>): EphemeralMessage {
    const message: EphemeralMessage = { ...input, ts: this.ids.nextTs(), postedAt: Date.now() };
    this.ephemerals.push(message);
    return message;
  }

  /** Ephemeral messages, all or for one channel. */
  ephemeral(channel?: string): EphemeralMessage[] {
    return this.ephemerals.filter((m) => channel === undefined || m.channel === channel);
  }

  /** Adds a user's reaction; false when that user already reacted with that name. */
  addReaction(message: StoredMessage, name: string, user: string): boolean {
    const reaction = message.reactions.find((r) => r.name === name);
    if (reaction?.users.includes(user)) return false;
    if (reaction) reaction.users.push(user);
    else message.reactions.push({ name, users: [user] });
    return true;
  }

  /** Removes a user's reaction; false when there was none. */
  removeReaction(message: StoredMessage, name: string, user: string): boolean {
    const reaction = message.reactions.find((r) => r.name === name);
    if (!reaction?.users.includes(user)) return false;
    reaction.users = reaction.users.filter((u) => u !== user);
    if (reaction.users.length === 0) message.reactions = message.reactions.filter((r) => r !== reaction);
    return true;
  }

  private channelList(channel: string): StoredMessage[] {
    let list = this.byChannel.get(channel);
    if (!list) {
      list = [];
      this.byChannel.set(channel, list);
    }
    return list;
  }

  private markThreadRoot(channel: string, rootTs: string): void {
    const root = this.find(channel, rootTs);
    if (!root) return;
    root.thread_ts = root.ts;
    root.reply_count = (root.reply_count ?? 0) + 1;
  }
}
