/**
 * Mentions of the bot: in a story's thread, `@storyloom add <text>`, `continue`,
 * `vote <candidate>`, `pick <candidate>`, `candidates <count>`, `retry`, `undo`,
 * `branch <line>`, `branches`, `switch <branch>`, `end` and `export` act on that
 * story (the thread commands of commands/, and /candidates); `status` and `help`
 * work anywhere. The words after the verb fill the command's free option (the
 * line's text, a number) and `--name value` its others (`candidates 3 --for
 * channel`); the text of `add` is taken whole. Slack sends a mention as text that
 * starts with the bot's `<@U…>`, as in its app_mention example
 * "<@U0LAN0Z89> is it everything a river should be?"
 * (https://api.slack.com/events/app_mention). A retried event (same event_id) or a
 * mention seen before (same message ts) is ignored.
 */
import type { App } from '@slack/bolt';
import type { CommandDefinition } from '../../../../commands/index.ts';
import { freeOption, parseOptions } from '../../../core/text-command.ts';
import { mentionCommand } from '../args.ts';
import { guard } from '../edge.ts';
import { contextFor } from '../context.ts';
import { acknowledgeLine, firstTime, type SlackParts, tellEphemeral } from '../parts.ts';
import type { SlackPlace } from '../poster.ts';
import { MENTION_COMMANDS, mentionHelp } from '../registration.ts';

/** Registers the app_mention handler. */
export function registerMentions(app: App, parts: SlackParts): void {
  app.event('app_mention', async ({ event, body, context }) => {
    if (!event.user || event.bot_id) return;
    if (!firstTime(parts, [`event:${body.event_id}`, `mention:${event.channel}:${event.ts}`], context)) return;
    const user = event.user;
    const place: SlackPlace = { channel: event.channel, thread: event.thread_ts ?? null };
    const tell = tellEphemeral(parts, place, user);
    await guard('a mention', parts.log, tell, async () => {
      const { verb, rest } = mentionCommand(event.text ?? '', context.botUserId);
      const ctx = await contextFor(parts.people, user, place);
      if (verb === 'status') {
        await tell((await parts.core.run(ctx, 'status', {})).text);
        return;
      }
      const def = MENTION_COMMANDS.find((d) => d.name === verb);
      if (!def) {
        await tell(verb === 'help' || verb === '' ? mentionHelp() : `I don’t know “${verb}”.\n${mentionHelp()}`);
        return;
      }
      const reply = await parts.core.run(ctx, verb, mentionArgs(def, rest));
      if (verb === 'add') await acknowledgeLine(parts, event.channel, event.ts);
      else await parts.replies.show(reply, place, tell);
    });
  });
}

/** A mention's words as the command's raw arguments: free text whole (`add`), else its options read as typed. */
function mentionArgs(def: CommandDefinition, rest: string): Record<string, string> {
  const option = freeOption(def);
  if (!option) return {};
  if (option.type === 'string' && !option.choices) return { [option.name]: rest };
  return parseOptions(def, rest);
}
