import { toWireChannel, toWireMessage, toWireUser } from '../wireFormat.ts';
import { type ApiMethod, type ApiServices, SlackApiError } from './apiTypes.ts';
import { channelArg, requiredString } from './arguments.ts';
import { pageOf } from './paging.ts';

/** Reading methods: `conversations.replies|history|info`, `users.info`, `auth.test`, `apps.connections.open`. */
export function conversationMethods(services: ApiServices): Record<string, ApiMethod> {
  const { identity } = services.workspace;
  const wire = (list: Parameters<typeof toWireMessage>[0][]) => list.map((m) => toWireMessage(m, identity.teamId));
  return {
    'conversations.replies': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        const thread = services.messages.thread(channel.id, requiredString(args, 'ts'));
        if (!thread) throw new SlackApiError('thread_not_found');
        const page = pageOf(thread, args, 1000, 1000);
        return { messages: wire(page.items), has_more: page.has_more, response_metadata: page.response_metadata };
      },
    },
    'conversations.history': {
      token: 'bot',
      handle: (args) => {
        const channel = channelArg(services, args.channel);
        // Slack lists history newest first.
        const page = pageOf(services.messages.history(channel.id).reverse(), args, 100, 1000);
        return { messages: wire(page.items), has_more: page.has_more, response_metadata: page.response_metadata };
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
