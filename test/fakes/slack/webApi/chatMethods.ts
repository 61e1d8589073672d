import { boolArg, stringArg } from '../requestParsing.ts';
import type { StoredMessage } from '../types.ts';
import { compact, toWireMessage } from '../wireFormat.ts';
import { type ApiMethod, type ApiServices, SlackApiError } from './apiTypes.ts';
import { channelArg, messageArg, metadataArg, requiredString, threadArg } from './arguments.ts';
import { messageContent } from './messageContent.ts';

/** `chat.*` methods: post, update, delete, post ephemeral. */
export function chatMethods(services: ApiServices): Record<string, ApiMethod> {
  const { identity } = services.workspace;
  return {
    'chat.postMessage': { token: 'bot', handle: (args) => postMessage(services, args) },
    // chat.update (https://api.slack.com/methods/chat.update, https://docs.slack.dev/reference/methods/chat.update):
    // `channel` and `ts` name the message; `text` and/or `blocks` are its new content ("When attachments or blocks
    // are included, text will be used as fallback text for notifications only"). Blocks left out are kept, and
    // "To remove previous blocks, include an empty array for this field"; metadata left out is kept too ("If you
    // don't include this field, the message's previous metadata will be retained"). Errors: `message_not_found`
    // ("No message exists with the requested timestamp"), `cant_update_message` ("Authenticated user does not have
    // permission to update this message": here, any message but the bot's own), `channel_not_found`, `no_text`,
    // `msg_too_long`, `invalid_blocks`; `edit_window_closed` ("The message cannot be edited due to the team message
    // edit settings") applies to people's messages, so a test forces it with `fake.failNext('chat.update', …)`.
    // (The errors' words as listed at https://hexdocs.pm/slack_web/Slack.Web.Chat-function-update.html.)
    // Rate limits: Tier 3, 50+ per minute (https://docs.slack.dev/apis/web-api/rate-limits), not enforced: a test
    // forces a 429 with `fake.rateLimitNext('chat.update')`.
    'chat.update': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        const message = ownMessage(
          messageArg(services, channel.id, args.ts),
          identity.botUserId,
          'cant_update_message',
        );
        const content = messageContent(args);
        const removeBlocks = Array.isArray(args.blocks) && args.blocks.length === 0;
        services.messages.update(
          channel.id,
          message.ts,
          { ...content, ...(removeBlocks ? { blocks: [] } : {}), metadata: metadataArg(args.metadata) },
          identity.botUserId,
        );
        return {
          channel: channel.id,
          ts: message.ts,
          text: message.text ?? '',
          message: toWireMessage(message, identity.teamId),
        };
      },
    },
    'chat.delete': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        const message = ownMessage(
          messageArg(services, channel.id, args.ts),
          identity.botUserId,
          'cant_delete_message',
        );
        services.messages.delete(channel.id, message.ts);
        return { channel: channel.id, ts: message.ts };
      },
    },
    'chat.postEphemeral': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        const user = requiredString(args, 'user');
        if (!services.workspace.user(user)) throw new SlackApiError('user_not_found');
        const thread_ts = threadArg(services, channel.id, args.thread_ts);
        const content = messageContent(args);
        const message = services.messages.addEphemeral({
          channel: channel.id,
          user,
          thread_ts,
          ...content,
          source: 'chat.postEphemeral',
        });
        return { message_ts: message.ts };
      },
    },
  };
}

function postMessage(services: ApiServices, args: Record<string, unknown>): Record<string, unknown> {
  const { identity } = services.workspace;
  const channel = channelArg(services, args.channel);
  const content = messageContent(args);
  const thread_ts = threadArg(services, channel.id, args.thread_ts);
  const now = Date.now();
  const retryAfter = services.limiter.checkChannel(channel.id, now);
  if (retryAfter !== undefined) throw SlackApiError.rateLimited(retryAfter);
  const message = services.messages.post(
    compact({
      channel: channel.id,
      thread_ts,
      ...content,
      user: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      ...formattingOptions(args),
    }),
  );
  services.limiter.recordPost(channel.id, now);
  services.onBotMessage(message);
  return { channel: channel.id, ts: message.ts, message: toWireMessage(message, identity.teamId) };
}

function formattingOptions(args: Record<string, unknown>): Partial<StoredMessage> {
  return {
    mrkdwn: boolArg(args.mrkdwn),
    unfurl_links: boolArg(args.unfurl_links),
    unfurl_media: boolArg(args.unfurl_media),
    parse: stringArg(args.parse),
    link_names: boolArg(args.link_names),
    reply_broadcast: boolArg(args.reply_broadcast),
    username: stringArg(args.username),
    icon_emoji: stringArg(args.icon_emoji),
    metadata: metadataArg(args.metadata),
  };
}

function ownMessage(message: StoredMessage, botUserId: string, error: string): StoredMessage {
  if (message.user !== botUserId) throw new SlackApiError(error);
  return message;
}
