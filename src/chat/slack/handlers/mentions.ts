/**
 * Mentions of the bot: in a story's thread, `@storyloom add <text>`, `continue`,
 * `retry`, `undo`, `end` and `export` act on that story (the thread commands of
 * commands/); `status` and `help` work anywhere. A retried event (same
 * event_id) or a mention seen before (same message ts) is ignored.
 */
import type { App } from '@slack/bolt';
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
      if (!MENTION_COMMANDS.some((def) => def.name === verb)) {
        await tell(verb === 'help' || verb === '' ? mentionHelp() : `I don’t know “${verb}”.\n${mentionHelp()}`);
        return;
      }
      const reply = await parts.core.run(ctx, verb, verb === 'add' ? { text: rest } : {});
      if (verb === 'add') await acknowledgeLine(parts, event.channel, event.ts);
      else await parts.replies.show(reply, place, tell);
    });
  });
}
