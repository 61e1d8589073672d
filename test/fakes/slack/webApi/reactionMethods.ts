import { type ApiMethod, type ApiServices, SlackApiError } from './apiTypes.ts';
import { channelArg, messageArg, requiredString } from './arguments.ts';

/** `reactions.add` and `reactions.remove`, as the bot user. */
export function reactionMethods(services: ApiServices): Record<string, ApiMethod> {
  const { botUserId } = services.workspace.identity;
  const target = (args: Record<string, unknown>) => {
    const channel = channelArg(services, args.channel);
    return { message: messageArg(services, channel.id, args.timestamp), name: requiredString(args, 'name') };
  };
  return {
    'reactions.add': {
      token: 'bot',
      handle: (args) => {
        const { message, name } = target(args);
        if (!services.messages.addReaction(message, name, botUserId)) throw new SlackApiError('already_reacted');
        return {};
      },
    },
    'reactions.remove': {
      token: 'bot',
      handle: (args) => {
        const { message, name } = target(args);
        if (!services.messages.removeReaction(message, name, botUserId)) throw new SlackApiError('no_reaction');
        return {};
      },
    },
  };
}
