import type { ApiCallLog } from './ApiCallLog.ts';
import type { ApiFaults } from './ApiFaults.ts';
import type { ChannelRateLimiter } from './ChannelRateLimiter.ts';
import type { AckRecord, Delivery, DeliveryLog } from './DeliveryLog.ts';
import type { Dispatcher } from './Dispatcher.ts';
import type { FakeWorkspace } from './FakeWorkspace.ts';
import type { FileStore } from './FileStore.ts';
import type { DriverDefaults, InteractionDriver } from './InteractionDriver.ts';
import type { MessageStore } from './MessageStore.ts';
import type { ResponseUrlSink } from './ResponseUrlSink.ts';
import type { SocketConnection, SocketModeServer } from './SocketModeServer.ts';
import type { ApiCall, EphemeralMessage, ResponseUrlPost, StoredMessage, UploadedFile } from './types.ts';
import { waitFor } from './waitFor.ts';

/** The pieces `startSlackFake` wires together. */
export interface SlackFakeParts {
  baseUrl: string;
  tokens: { bot: string; app: string };
  signingSecret: string;
  defaults: DriverDefaults;
  workspace: FakeWorkspace;
  messages: MessageStore;
  files: FileStore;
  limiter: ChannelRateLimiter;
  faults: ApiFaults;
  calls: ApiCallLog;
  deliveries: DeliveryLog;
  socket: SocketModeServer;
  responses: ResponseUrlSink;
  dispatcher: Dispatcher;
  driver: InteractionDriver;
  setRequestUrl(url: string): void;
  getRequestUrl(): string | undefined;
  closeServer(): Promise<void>;
}

/**
 * The read side of a running fake Slack: what the app called, posted,
 * uploaded and acked. `SlackFake` adds the controls and the driver.
 */
export class SlackFakeRecords {
  constructor(protected readonly parts: SlackFakeParts) {}

  /** Web API calls, all or to one method. */
  calls(method?: string): ApiCall[] {
    return this.parts.calls.calls(method);
  }

  /** Web API calls matching a predicate. */
  callsWhere(predicate: (call: ApiCall) => boolean): ApiCall[] {
    return this.parts.calls.where(predicate);
  }

  /** The most recent call to a method. */
  lastCall(method: string): ApiCall | undefined {
    return this.parts.calls.last(method);
  }

  /** The channel as people see it: top-level messages (and broadcast replies); `includeReplies` adds every reply. */
  channelMessages(channel: string, options: { includeReplies?: boolean } = {}): StoredMessage[] {
    return options.includeReplies ? this.parts.messages.all(channel) : this.parts.messages.history(channel);
  }

  /** The replies in a thread, oldest first, without the root; empty when there is no such thread. */
  threadReplies(channel: string, rootTs: string): StoredMessage[] {
    return this.parts.messages.thread(channel, rootTs)?.slice(1) ?? [];
  }

  /** One stored message. */
  message(channel: string, ts: string): StoredMessage | undefined {
    return this.parts.messages.find(channel, ts);
  }

  /** Ephemeral messages (`chat.postEphemeral`, ephemeral response_url posts), all or in one channel. */
  ephemeralMessages(channel?: string): EphemeralMessage[] {
    return this.parts.messages.ephemeral(channel);
  }

  /** Files whose bytes reached the upload URL. */
  uploadedFiles(): UploadedFile[] {
    return this.parts.files.uploaded();
  }

  /** Posts to response_urls, all or to one (`delivery.responseUrl`). */
  responses(url?: string): ResponseUrlPost[] {
    return this.parts.responses.posts(url);
  }

  /** Every delivery to the app, redeliveries included. */
  deliveries(): Delivery[] {
    return this.parts.deliveries.deliveries();
  }

  /** Every ack (or HTTP answer), with `ackMs`. */
  acks(): AckRecord[] {
    return this.parts.deliveries.acks();
  }

  /** Client messages that acked nothing pending (unknown or repeated envelope ids). */
  strayAcks(): unknown[] {
    return [...this.parts.deliveries.strayAcks];
  }

  /** Polls until `probe` returns something truthy and resolves with it; rejects after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 2000, what?: string): Promise<T> {
    return waitFor(probe, timeoutMs, what);
  }

  /** When (ms) each accepted `chat.postMessage` to the channel arrived. */
  postTimes(channel: string): number[] {
    return this.parts.limiter.times(channel);
  }

  /** Gaps (ms) between consecutive accepted posts to the channel; Slack wants each at least ~1000. */
  postIntervals(channel: string): number[] {
    const times = this.postTimes(channel);
    return times.slice(1).map((time, i) => time - times[i]!);
  }

  /** Every Socket Mode connection so far; `connections().length` is the newest `seq`. */
  connections(): SocketConnection[] {
    return this.parts.socket.connections();
  }
}
