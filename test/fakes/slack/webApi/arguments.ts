import type { FakeChannel, StoredMessage } from '../types.ts';
import { stringArg } from '../requestParsing.ts';
import { type ApiServices, SlackApiError } from './apiTypes.ts';

/** The channel an argument names, by id or by name (`general` / `#general`), or `channel_not_found`. */
export function channelArg(services: ApiServices, value: unknown): FakeChannel {
  const idOrName = stringArg(value);
  const channel = idOrName === undefined ? undefined : services.workspace.findChannel(idOrName);
  if (!channel) throw new SlackApiError('channel_not_found');
  return channel;
}

/** A required string argument, or `invalid_arguments` naming it. */
export function requiredString(args: Record<string, unknown>, name: string): string {
  const value = stringArg(args[name]);
  if (value === undefined)
    throw new SlackApiError('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
    });
  return value;
}

/** The message at `channel` + `ts`, or `message_not_found`. */
export function messageArg(services: ApiServices, channel: string, ts: unknown): StoredMessage {
  const tsValue = stringArg(ts);
  const message = tsValue === undefined ? undefined : services.messages.find(channel, tsValue);
  if (!message) throw new SlackApiError('message_not_found');
  return message;
}

/** The thread root a `thread_ts` argument points at, or `thread_not_found`; undefined when absent. */
export function threadArg(services: ApiServices, channel: string, value: unknown): string | undefined {
  const threadTs = stringArg(value);
  if (threadTs === undefined) return undefined;
  const root = services.messages.threadRootTs(channel, threadTs);
  if (root === undefined) throw new SlackApiError('thread_not_found');
  return root;
}

/** An integer argument within bounds, or the default. */
export function limitArg(value: unknown, fallback: number, max: number): number {
  const parsed = Number.parseInt(String(value ?? ''), 10);
  if (Number.isNaN(parsed) || parsed <= 0) return fallback;
  return Math.min(parsed, max);
}

/** Message metadata as Slack stores it: an event type and its payload (or work-object `entities`). */
export interface MessageMetadata {
  event_type?: string;
  event_payload?: Record<string, unknown>;
  entities?: unknown[];
}

/**
 * A `metadata` argument (`{ event_type, event_payload }`, or `{ entities }`), or `invalid_metadata_format`; undefined
 * when absent.
 */
export function metadataArg(value: unknown): MessageMetadata | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const metadata = value as MessageMetadata;
  if (metadata.event_type === undefined && Array.isArray(metadata.entities)) return { entities: metadata.entities };
  const payload = metadata.event_payload;
  if (
    typeof metadata.event_type !== 'string' ||
    metadata.event_type === '' ||
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload)
  ) {
    throw new SlackApiError('invalid_metadata_format');
  }
  return { event_type: metadata.event_type, event_payload: payload };
}
