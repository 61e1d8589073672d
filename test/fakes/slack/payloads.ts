import { randomHex } from './ids.ts';
import type { FakeChannel, FakeIdentity, FakeUser, SlackBlock, StoredMessage } from './types.ts';
import { compact, toWireMessage } from './wireFormat.ts';

/** The verification token Slack still puts in payloads (deprecated; Bolt ignores it). */
export const FAKE_VERIFICATION_TOKEN = 'fake-verification-token';

/** Who did what where: the context every interaction payload carries. */
export interface InteractionContext {
  identity: FakeIdentity;
  channel: FakeChannel;
  user: FakeUser;
  responseUrl: string;
}

/** A `trigger_id` in Slack's shape (`<n>.<n>.<hex>`). */
export function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomHex(16)}`;
}

/** A slash command's form fields, as Slack posts them (all strings). */
export function slashCommandPayload(ctx: InteractionContext, command: string, text: string): Record<string, string> {
  return {
    token: FAKE_VERIFICATION_TOKEN,
    team_id: ctx.identity.teamId,
    team_domain: ctx.identity.teamDomain,
    channel_id: ctx.channel.id,
    channel_name: ctx.channel.name,
    user_id: ctx.user.id,
    user_name: ctx.user.name,
    command,
    text,
    api_app_id: ctx.identity.appId,
    is_enterprise_install: 'false',
    response_url: ctx.responseUrl,
    trigger_id: triggerId(),
  };
}

/** A button found in a message's blocks: its block and element. */
export interface FoundAction {
  blockId: string;
  element: SlackBlock;
}

/** Finds the element with this `action_id` in an `actions` block or a section accessory. */
export function findAction(message: StoredMessage, actionId: string): FoundAction | undefined {
  for (const block of message.blocks ?? []) {
    const elements = Array.isArray(block.elements) ? (block.elements as SlackBlock[]) : [];
    const candidates = block.accessory ? [...elements, block.accessory as SlackBlock] : elements;
    const element = candidates.find((e) => e.action_id === actionId);
    if (element) return { blockId: String(block.block_id), element };
  }
  return undefined;
}

/** A `block_actions` payload for clicking `action` on `message`. */
export function blockActionsPayload(
  ctx: InteractionContext,
  message: StoredMessage,
  action: FoundAction,
  value?: string,
): Record<string, unknown> {
  const { identity, channel, user } = ctx;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: identity.teamId },
    api_app_id: identity.appId,
    token: FAKE_VERIFICATION_TOKEN,
    container: compact({
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: false,
      thread_ts: message.thread_ts,
    }),
    trigger_id: triggerId(),
    team: { id: identity.teamId, domain: identity.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    message: toWireMessage(message, identity.teamId),
    state: { values: {} },
    response_url: ctx.responseUrl,
    actions: [
      compact({
        action_id: action.element.action_id,
        block_id: action.blockId,
        text: action.element.text,
        value: value ?? action.element.value,
        type: action.element.type,
        action_ts: `${(Date.now() / 1000).toFixed(6)}`,
      }),
    ],
  };
}

/** An Events API `event_callback` body wrapping `event`. */
export function eventCallbackPayload(
  identity: FakeIdentity,
  event: Record<string, unknown>,
  eventId = `Ev${randomHex(5).toUpperCase()}`,
): Record<string, unknown> {
  return {
    token: FAKE_VERIFICATION_TOKEN,
    team_id: identity.teamId,
    context_team_id: identity.teamId,
    api_app_id: identity.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: identity.teamId,
        user_id: identity.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomHex(12)}`,
  };
}

/** A `message` event for a stored message (a person's, or a bot's with `bot_id`/`subtype`). */
export function messageEvent(
  message: StoredMessage,
  identity: FakeIdentity,
  parentUserId?: string,
): Record<string, unknown> {
  return compact({
    ...toWireMessage(message, identity.teamId),
    channel: message.channel,
    event_ts: message.ts,
    channel_type: 'channel',
    parent_user_id: message.thread_ts !== undefined && message.thread_ts !== message.ts ? parentUserId : undefined,
  });
}

/** An `app_mention` event for a stored message that mentions the bot. */
export function appMentionEvent(message: StoredMessage, identity: FakeIdentity): Record<string, unknown> {
  return compact({
    type: 'app_mention',
    user: message.user,
    text: message.text ?? '',
    ts: message.ts,
    thread_ts: message.thread_ts,
    channel: message.channel,
    team: identity.teamId,
    event_ts: message.ts,
  });
}
