import { boolArg } from '../requestParsing.ts';
import type { StoredMessage } from '../types.ts';
import { toWireChannel, toWireMessage, toWireUser } from '../wireFormat.ts';
import { type ApiMethod, type ApiServices, SlackApiError } from './apiTypes.ts';
import { channelArg, requiredString } from './arguments.ts';
import { inTimeWindow, pageOf } from './paging.ts';

/** Reading methods: `conversations.replies|history|info`, `users.info`, `auth.test`, `apps.connections.open`. */
export function conversationMethods(services: ApiServices): Record<string, ApiMethod> {
  const { identity } = services.workspace;
  // Messages read back carry their metadata only when the call asks for it (`include_all_metadata`), as in Slack.
  const wire = (list: StoredMessage[], args: Record<string, unknown>) =>
    list.map((m) => {
      const { metadata, ...rest } = toWireMessage(m, identity.teamId);
      return boolArg(args.include_all_metadata) && metadata !== undefined ? { ...rest, metadata } : rest;
    });
  return {
    'conversations.replies': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        const thread = services.messages.thread(channel.id, requiredString(args, 'ts'));
        if (!thread) throw new SlackApiError('thread_not_found');
        // The root comes first; `oldest` / `latest` narrow the replies after it.
        const [root, ...replies] = thread;
        const page = pageOf([root!, ...replies.filter(inTimeWindow(args))], args, 1000, 1000);
        return { messages: wire(page.items, args), has_more: page.has_more, response_metadata: page.response_metadata };
      },
    },
    'conversations.history': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        // Slack lists history newest first.
        const page = pageOf(
          services.messages.history(channel.id).filter(inTimeWindow(args)).reverse(),
          args,
          100,
          1000,
        );
        return { messages: wire(page.items, args), has_more: page.has_more, response_metadata: page.response_metadata };
      },
    },
    'conversations.info': {
      token: 'bot',
      handle: (args) => ({ channel: toWireChannel(channelArg(services, args.channel)) }),
    },
    'users.info': {
      token: 'bot',
      handle: (args) => {
        const user = services.workspace.user(requiredString(args, 'user'));
        if (!user) throw new SlackApiError('user_not_found');
        return { user: toWireUser(user) };
      },
    },
    'auth.test': {
      token: 'bot',
      handle: () => ({
        url: `https://${identity.teamDomain}.slack.com/`,
        team: identity.teamName,
        user: identity.botUserName,
        team_id: identity.teamId,
        user_id: identity.botUserId,
        bot_id: identity.botId,
        app_id: identity.appId,
        is_enterprise_install: false,
      }),
    },
    'apps.connections.open': { token: 'app', handle: () => ({ url: services.issueSocketUrl() }) },
  };
}
