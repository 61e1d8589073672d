/**
 * Shapes the Slack fake stores and records. Field names follow Slack's wire
 * format (snake_case) wherever the value mirrors something Slack sends.
 */

/** A Block Kit block as sent by a client: kept as plain JSON. */
export type SlackBlock = Record<string, unknown>;

/** A channel in the fake workspace. */
export interface FakeChannel {
  id: string;
  name: string;
  is_private: boolean;
  created: number;
}

/** A user in the fake workspace (people, plus the app's bot user). */
export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  is_bot: boolean;
  team_id: string;
}

/** The fixed identity of the fake workspace and of the app installed in it. */
export interface FakeIdentity {
  teamId: string;
  teamDomain: string;
  teamName: string;
  appId: string;
  botId: string;
  botUserId: string;
  botUserName: string;
}

/** A reaction on a message: the emoji name and who added it. */
export interface StoredReaction {
  name: string;
  users: string[];
}

/** A file shared into a message by `files.completeUploadExternal`. */
export interface MessageFile {
  id: string;
  name: string;
  title?: string;
}

/**
 * A channel message as the fake stores it: posted by the bot through
 * `chat.postMessage` (or a file share), or by a person through the driver.
 * Formatting options the client sent are kept as given, normalized to booleans.
 */
export interface StoredMessage {
  channel: string;
  ts: string;
  /** Set on replies, and on a thread's root once it has replies (equal to `ts`). */
  thread_ts?: string;
  text?: string;
  blocks?: SlackBlock[];
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  mrkdwn?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  parse?: string;
  link_names?: boolean;
  reply_broadcast?: boolean;
  username?: string;
  icon_emoji?: string;
  metadata?: unknown;
  files?: MessageFile[];
  reply_count?: number;
  reactions: StoredReaction[];
  edited?: { user: string; ts: string };
  /** Wall-clock time (ms) the fake stored it. */
  postedAt: number;
}

/** A message only one user sees: from `chat.postEphemeral` or an ephemeral `response_url` post. */
export interface EphemeralMessage {
  channel: string;
  user?: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: SlackBlock[];
  source: 'chat.postEphemeral' | 'response_url';
  postedAt: number;
}

/** One Web API call the fake answered. */
export interface ApiCall {
  method: string;
  /** The arguments, parsed: JSON-valued form fields (blocks, files, ...) are decoded. */
  body: Record<string, unknown>;
  /** The token used, from `Authorization: Bearer` or a `token` field. */
  token?: string;
  /** Wall-clock time (ms) the call arrived. */
  at: number;
  /** The HTTP status the fake answered with: 200, or 429 when rate limited. */
  status: number;
  /** The JSON the fake answered with. */
  response: Record<string, unknown>;
}

/** A file announced by `files.getUploadURLExternal`, with its bytes once uploaded. */
export interface UploadedFile {
  id: string;
  filename: string;
  title?: string;
  alt_text?: string;
  snippet_type?: string;
  /** The `length` the client announced. */
  length: number;
  /** The bytes posted to the upload URL; undefined until then. */
  bytes?: Buffer;
  uploadedAt?: number;
  /** Set by `files.completeUploadExternal`. */
  completedAt?: number;
  channel_id?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** The ts of the message that shared it, when shared into a channel. */
  messageTs?: string;
}

/** One JSON post to a `response_url` the fake handed out. */
export interface ResponseUrlPost {
  /** The response_url that was posted to. */
  url: string;
  body: Record<string, unknown>;
  at: number;
}
