import type { FakeChannel, FakeUser, StoredMessage } from './types.ts';

/** Drops keys whose value is undefined, so JSON looks like Slack's. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A stored message as Slack returns it in API answers and event payloads. */
export function toWireMessage(message: StoredMessage, teamId: string): Record<string, unknown> {
  return compact({
    type: 'message',
    subtype: message.subtype,
    ts: message.ts,
    thread_ts: message.thread_ts,
    text: message.text ?? '',
    user: message.user,
    bot_id: message.bot_id,
    app_id: message.app_id,
    team: teamId,
    blocks: message.blocks,
    files: message.files,
    reply_count: message.reply_count,
    reactions:
      message.reactions.length > 0 ? message.reactions.map((r) => ({ ...r, count: r.users.length })) : undefined,
    edited: message.edited,
    metadata: message.metadata,
  });
}

/** A channel as `conversations.info` returns it. */
export function toWireChannel(channel: FakeChannel): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.is_private,
    is_group: channel.is_private,
    is_im: false,
    is_private: channel.is_private,
    is_archived: false,
    is_member: true,
    created: channel.created,
  };
}

/** A user as `users.info` returns it. */
export function toWireUser(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: user.team_id,
    name: user.name,
    real_name: user.real_name,
    is_bot: user.is_bot,
    deleted: false,
    profile: { real_name: user.real_name, display_name: user.name },
  };
}
